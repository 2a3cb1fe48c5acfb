// Draws the kernelspec logos (a Jacobian heatmap on TypeScript blue) with pngjs. Run once after a build,
// `node dist/kernel/make-logos.js`, and keep the PNGs it writes beside this file.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { packageRoot } from "./paths.js";

type Rgb = [number, number, number];

const blue: Rgb = [0x31, 0x78, 0xc6];
const cold: Rgb = [0xf4, 0xf8, 0xff];
const hot: Rgb = [0xff, 0x8c, 0x1a];

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [0, 1, 2].map((i) => Math.round((a[i] as number) * (1 - t) + (b[i] as number) * t)) as Rgb;
}

/** The heat of cell (row, col) of a 5x5 banded Jacobian: strong diagonal, weaker neighbours, zero elsewhere. */
function heat(row: number, col: number): number {
  const distance = Math.abs(row - col);
  return distance === 0 ? 1 : distance === 1 ? 0.45 : 0;
}

/** Renders a size x size logo. */
export function drawLogo(size: number): PNG {
  const png = new PNG({ width: size, height: size });
  const radius = size * 0.18;
  const cells = 5;
  const margin = size * 0.14;
  const cell = (size - 2 * margin) / cells;
  const gap = Math.max(1, size / 32);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const offset = (y * size + x) * 4;
      // Rounded-square mask: outside the rounded corners is transparent.
      const dx = Math.max(radius - x - 0.5, x + 0.5 - (size - radius), 0);
      const dy = Math.max(radius - y - 0.5, y + 0.5 - (size - radius), 0);
      const inside = dx * dx + dy * dy <= radius * radius;
      let color = blue;
      const gx = (x - margin) / cell;
      const gy = (y - margin) / cell;
      if (gx >= 0 && gy >= 0 && gx < cells && gy < cells) {
        const inCell = (x - margin) % cell < cell - gap && (y - margin) % cell < cell - gap;
        if (inCell) color = mix(cold, hot, heat(Math.floor(gy), Math.floor(gx)));
      }
      png.data[offset] = color[0];
      png.data[offset + 1] = color[1];
      png.data[offset + 2] = color[2];
      png.data[offset + 3] = inside ? 255 : 0;
    }
  }
  return png;
}

for (const size of [32, 64]) {
  const path = join(packageRoot(), "kernel", `logo-${size}x${size}.png`);
  writeFileSync(path, PNG.sync.write(drawLogo(size)));
  process.stdout.write(`wrote ${path}\n`);
}
