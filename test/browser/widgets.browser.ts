// Widgets in a real JupyterLab: notebooks/05-interactive.ipynb opened in headless Chromium, Run All, then a
// slider moved with the keyboard (the kernel-side value read back by re-running a cell, the Jacobian heatmap's
// numbers in the DOM changed), a Button clicked (its handler's output shown in the Output widget), and the
// heatmap's caption inside that narrow Output read at a wide and a narrow window. Screenshots in test-artifacts/widgets/. Run by `npm test` after scripts/setup-jupyterlab.sh.

import assert from "node:assert/strict";
import { mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Locator, Page } from "playwright-core";
import { inJupyterLab } from "./lab-session.js";
import {
  currentNotebook,
  errorOutputTexts,
  openNotebook,
  runAllCells,
  waitForKernelIdle,
} from "./notebook-page.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const artifacts = join(repoRoot, "test-artifacts", "widgets");
const notebookName = "05-interactive.ipynb";
const kernelDisplayName = "TypeScript (jaclab)";
const timeouts = { serverStartMs: 90_000, notebookOpenMs: 90_000, runAllMs: 180_000, elementMs: 20_000 };

/** Polls `read` until `accept` holds (or fails with the last value read). */
async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeouts.elementMs;
  let value = await read();
  while (!accept(value)) {
    if (Date.now() > deadline)
      throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeouts.elementMs} ms`);
    await new Promise((done) => setTimeout(done, 200));
    value = await read();
  }
  return value;
}

/** The code cell whose editor contains `snippet`. */
function cellWith(page: Page, snippet: string): Locator {
  return currentNotebook(page).locator(".jp-CodeCell").filter({ hasText: snippet }).first();
}

/** Where a heatmap caption inside an Output widget sits: its parts' line boxes and the Output's width. */
interface CaptionLayout {
  /** Line boxes per part (1 when the part stays on one line). */
  partRects: number[];
  /** Lines the caption takes (parts whose tops differ by more than a few pixels are on different lines). */
  lines: number;
  captionRight: number;
  outputRight: number;
  text: string;
}

async function captionLayout(output: Locator): Promise<CaptionLayout> {
  return output
    .locator(".jaclab-caption")
    .first()
    .evaluate((caption) => {
      const parts = [...caption.querySelectorAll(":scope .jaclab-caption-part")];
      const tops: number[] = [];
      for (const part of parts) {
        const top = part.getBoundingClientRect().top;
        if (!tops.some((seen) => Math.abs(seen - top) < 4)) tops.push(top);
      }
      const box = (caption.closest(".widget-output") ?? caption).getBoundingClientRect();
      return {
        partRects: parts.map((part) => part.getClientRects().length),
        lines: tops.length,
        captionRight: caption.getBoundingClientRect().right,
        outputRight: box.right,
        text: caption.textContent ?? "",
      };
    });
}

test(
  "widgets in JupyterLab: a slider moves the kernel's value and the Jacobian, a button's handler writes into an Output",
  { timeout: 420_000 },
  async (t) => {
    await rm(artifacts, { recursive: true, force: true });
    await mkdir(artifacts, { recursive: true });
    const notebook = await readFile(join(repoRoot, "notebooks", notebookName), "utf8");
    await inJupyterLab(
      {
        repoRoot,
        files: { [notebookName]: notebook },
        artifacts,
        startTimeoutMs: timeouts.serverStartMs,
        viewport: { width: 1400, height: 2600 },
      },
      async (server, page) => {
        const opened = page;
        await openNotebook(
          opened,
          { baseUrl: server.baseUrl, token: server.token, name: notebookName, kernelDisplayName },
          timeouts.notebookOpenMs,
        );
        await runAllCells(opened, kernelDisplayName, timeouts.runAllMs);
        const armCell = cellWith(opened, "const theta1 = new widgets.FloatSlider");
        const heatmap = armCell.locator("table.jaclab-heatmap").first();
        await heatmap.waitFor({ timeout: timeouts.elementMs });
        await opened.screenshot({ path: join(artifacts, "notebook.png") });

        await t.test("every cell runs without errors and the widgets render", async () => {
          assert.deepEqual(await errorOutputTexts(opened), []);
          assert.equal(await armCell.locator(".widget-slider").count(), 2, "two joint sliders");
          assert.ok(
            (await currentNotebook(opened).locator(".widget-interact").count()) >= 1,
            "the interact widget",
          );
          await armCell
            .locator(".jp-OutputArea-output")
            .first()
            .screenshot({ path: join(artifacts, "arm-before.png") });
        });

        await t.test(
          "moving θ2 with the keyboard changes the kernel's value and the heatmap's numbers",
          async () => {
            const before = (await heatmap.textContent()) ?? "";
            const readout = armCell.locator(".widget-slider").nth(1).locator(".widget-readout");
            assert.equal((await readout.textContent())?.trim(), "1.20");
            const handle = armCell.locator(".widget-slider").nth(1).locator(".noUi-handle");
            await handle.focus();
            for (let i = 0; i < 30; i++) await opened.keyboard.press("ArrowRight");
            await eventually(
              async () => (await readout.textContent())?.trim(),
              (text) => text === "1.50",
              "the θ2 readout",
            );
            const after = await eventually(
              async () => (await armCell.locator("table.jaclab-heatmap").first().textContent()) ?? "",
              (text) => text !== before && text.length > 0,
              "the heatmap text",
            );
            assert.notEqual(after, before);
            // Read back in the kernel: re-run the cell that prints the values the kernel holds.
            const readBack = cellWith(opened, "kernel side:");
            await readBack.locator(".jp-InputArea-editor").click();
            await opened.keyboard.press("Control+Enter");
            await waitForKernelIdle(opened, kernelDisplayName, timeouts.elementMs);
            await eventually(
              async () => (await readBack.locator(".jp-OutputArea-output").textContent()) ?? "",
              (text) => text.includes("θ2 = 1.50"),
              "the read-back cell",
            );
            await armCell
              .locator(".jp-OutputArea-output")
              .first()
              .screenshot({ path: join(artifacts, "arm-after-drag.png") });
          },
        );

        await t.test(
          "the button's handler writes into the Output widget and the pose turns singular",
          async () => {
            await armCell.locator("button.widget-button", { hasText: "Stretch the arm out" }).click();
            const log = armCell.locator(".widget-output").filter({ hasText: "stretched out" });
            await eventually(
              async () => ((await log.count()) > 0 ? ((await log.first().textContent()) ?? "") : ""),
              (text) => /det J = -?0\b/.test(text),
              "the Output widget",
            );
            await eventually(
              async () => (await armCell.locator("svg.arm").getAttribute("data-singular")) ?? "",
              (value) => value === "true",
              "the arm's singular flag",
            );
            assert.match((await armCell.locator(".det").textContent()) ?? "", /singular pose/);
            await armCell
              .locator(".jp-OutputArea-output")
              .first()
              .screenshot({ path: join(artifacts, "arm-singular.png") });
          },
        );

        await t.test(
          "the heatmap's caption in the narrow Output wraps between its parts, inside the Output",
          async () => {
            const output = armCell
              .locator(".widget-output")
              .filter({ has: opened.locator(".jaclab-caption") });
            // 1400 px: the Output beside the arm is wide; 800 px: it is about as narrow as the table.
            for (const [width, maxLines] of [
              [1400, 2],
              [800, 6],
            ] as const) {
              await opened.setViewportSize({ width, height: 2600 });
              const layout = await eventually(
                () => captionLayout(output.first()),
                (seen) => seen.partRects.length >= 5 && seen.captionRight <= seen.outputRight + 0.5,
                `the caption at ${width} px`,
              );
              await output.first().screenshot({ path: join(artifacts, `heatmap-caption-${width}.png`) });
              const shown = JSON.stringify(layout);
              assert.ok(
                layout.partRects.every((rects) => rects === 1),
                `a part broke across lines: ${shown}`,
              );
              assert.ok(layout.lines <= maxLines, `${layout.lines} lines at ${width} px: ${shown}`);
              assert.match(layout.text, /shape \[2, 2\] · min .* · max .* · 4 of 4 nonzero/);
            }
            await opened.setViewportSize({ width: 1400, height: 2600 });
          },
        );
      },
    );
  },
);
