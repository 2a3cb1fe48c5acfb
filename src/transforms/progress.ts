// The progress bar of the chunked transforms (vmap, jacrev, jacfwd): the notebook's bar when asked for,
// else a no-op. It lives beside the transforms, not in the core, so the core never imports the renderers.
import { createProgress } from "../render/progress.js";

/** What a chunked transform reports to: `tick(n)` after each chunk, `done()` at the end. */
export interface ProgressReporter {
  tick(n?: number): void;
  done(): void;
}

/** A progress reporter when asked for, else a no-op. */
export function maybeProgress(enabled: boolean | undefined, total: number, label: string): ProgressReporter {
  if (enabled) return createProgress(total, label);
  return { tick: () => undefined, done: () => undefined };
}
