// One JupyterLab session for a browser test: the server with the test's notebooks, headless Chromium and a
// page; on failure a screenshot (failure.png) and the server's log tail in the error; always both closed.

import { join } from "node:path";
import type { Page } from "playwright-core";
import { launchChromium } from "./chromium.js";
import { startJupyterLab, type RunningJupyterLab } from "./jupyterlab-server.js";

/** What a browser test's session needs. */
export interface LabSessionOptions {
  repoRoot: string;
  /** The notebooks the server's directory starts with, by file name. */
  files: Record<string, string>;
  /** Where the log and failure.png go. */
  artifacts: string;
  startTimeoutMs: number;
  /** Tall enough for the largest output: JupyterLab scrolls inside a panel, so element shots are clipped. */
  viewport: { width: number; height: number };
}

/** Runs `body` with a JupyterLab server and a page in Chromium, and closes both however it ends. */
export async function inJupyterLab(
  options: LabSessionOptions,
  body: (server: RunningJupyterLab, page: Page) => Promise<void>,
): Promise<void> {
  let server: RunningJupyterLab | undefined;
  let page: Page | undefined;
  const browser = await launchChromium();
  try {
    server = await startJupyterLab({
      repoRoot: options.repoRoot,
      kernelName: "jaclab",
      files: options.files,
      logPath: join(options.artifacts, "jupyterlab.log"),
      startTimeoutMs: options.startTimeoutMs,
    });
    page = await browser.newPage({ viewport: options.viewport });
    await body(server, page);
  } catch (error) {
    if (page !== undefined)
      await page
        .screenshot({ path: join(options.artifacts, "failure.png") })
        .catch((shotError: unknown) => console.error(`could not save failure.png: ${String(shotError)}`));
    if (server === undefined) throw error; // start-up errors already carry the server's log
    throw new Error(`${String(error)}\n--- JupyterLab log tail ---\n${server.logTail()}`, { cause: error });
  } finally {
    try {
      await browser.close();
    } finally {
      await server?.stop();
    }
  }
}
