// Runs the Python peers (bench/core_peers.py: JAX jit and PyTorch torch.func, one thread, float64) on the
// benchmark's problems in the same run: the problems go to a temporary manifest and one raw float64 file,
// the peers' timings (or peak memory) come back as JSON.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../kernel/paths.js";
import type { Array64, Problem } from "./core-problems.js";

/** One peer measurement as bench/core_peers.py reports it. */
export interface PeerResult {
  case: string;
  size: number;
  library: string;
  method: string;
  us?: number;
  /** Process CPU time / wall time over the timed batches. */
  cores?: number;
  max_rel_err?: number;
  peak_bytes?: number;
  error?: string;
}

/** What the peer script returns. */
export interface PeerReport {
  versions: Record<string, string>;
  results: PeerResult[];
  matmul: { library: string; n: number; gflops: number; us: number }[];
}

/** The interpreter of the peers' virtual environment (JACLAB_PEERS_PYTHON overrides it). */
export function peersPython(): string | null {
  const given = process.env.JACLAB_PEERS_PYTHON;
  if (given !== undefined) return given;
  const venv = join(packageRoot(), ".venv-peers", "bin", "python");
  return existsSync(venv) ? venv : null;
}

/** Options of {@link runPythonPeers}. */
export interface PeerRunOptions {
  budgetS: number;
  warmS: number;
  clock: "cpu" | "wall";
  memory?: boolean;
  /** Sizes n of n×n matmuls to rate with numpy and PyTorch. */
  matmul?: number[];
}

/** Runs the Python peers on `problems`; throws when the script fails. */
export function runPythonPeers(python: string, problems: Problem[], opts: PeerRunOptions): PeerReport {
  const dir = mkdtempSync(join(tmpdir(), "jaclab-peers-"));
  try {
    const chunks: Float64Array[] = [];
    let offset = 0;
    const place = (a: Array64) => {
      chunks.push(a.data);
      const entry = { offset, shape: a.shape };
      offset += a.data.length;
      return entry;
    };
    const cases = problems.map((p) => ({
      kind: p.kind,
      size: p.size,
      arrays: Object.fromEntries(Object.entries(p.arrays).map(([k, v]) => [k, place(v)])),
      reference: place(p.reference),
    }));
    const all = new Float64Array(offset);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    const dataPath = join(dir, "data.f64");
    writeFileSync(dataPath, new Uint8Array(all.buffer));
    const manifest = join(dir, "manifest.json");
    writeFileSync(manifest, JSON.stringify({ data: dataPath, cases }));
    const args = [
      join(packageRoot(), "bench", "core_peers.py"),
      manifest,
      "--budget",
      String(opts.budgetS),
      "--warm",
      String(opts.warmS),
      "--clock",
      opts.clock,
    ];
    if (opts.memory) args.push("--memory");
    if (opts.matmul !== undefined && opts.matmul.length > 0) args.push("--matmul", opts.matmul.join(","));
    const out = execFileSync(python, args, {
      encoding: "utf8",
      maxBuffer: 64 << 20,
      stdio: ["ignore", "pipe", "inherit"],
      // A fixed mmap threshold returns freed large buffers to the system, so that peak memory is that of
      // the call measured, not of buffers kept by the allocator from earlier calls.
      env: { ...process.env, MALLOC_MMAP_THRESHOLD_: "65536" },
    });
    return JSON.parse(out) as PeerReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
