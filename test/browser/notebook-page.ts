// Drives a JupyterLab notebook page the way a person does: open it, wait for the kernel, Run -> Run All Cells,
// wait until every cell has run; plus the DOM queries the browser test asserts on. Selectors are those of
// JupyterLab 4 (checked against 4.6).

import type { Locator, Page } from "playwright-core";

/** A notebook did not reach the expected state in time; the message says which state and what was seen. */
export class NotebookPageError extends Error {
  override name = "NotebookPageError";
}

/** The notebook panel on show; other notebooks (restored tabs) stay in the DOM, hidden. */
export function currentNotebook(page: Page): Locator {
  return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first();
}

/** Output elements of the notebook on show, by MIME type as JupyterLab chose to render it. */
export function outputsOfType(page: Page, mimeType: string): Locator {
  return currentNotebook(page).locator(`.jp-OutputArea-output[data-mime-type="${mimeType}"]`);
}

/**
 * Resolves when the notebook's kernel is attached (the toolbar names it) and idle. The execution indicator
 * alone is not enough: it reads "idle" while the toolbar still says "No Kernel".
 */
export async function waitForKernelIdle(
  page: Page,
  kernelDisplayName: string,
  timeoutMs: number,
): Promise<void> {
  const toolbar = currentNotebook(page).locator(".jp-NotebookPanel-toolbar");
  const kernelName = toolbar.locator('[data-jp-item-name="kernelName"]');
  const indicator = toolbar.locator('[data-jp-item-name="executionProgress"] [data-status]');
  const deadline = Date.now() + timeoutMs;
  let seen = { name: "", status: "" };
  while (Date.now() < deadline) {
    await failOnDialog(page);
    seen = {
      name: ((await kernelName.textContent({ timeout: 1000 }).catch(() => "(not shown)")) ?? "").trim(),
      status:
        (await indicator.getAttribute("data-status", { timeout: 1000 }).catch(() => "(not shown)")) ?? "",
    };
    if (seen.name === kernelDisplayName && seen.status === "idle") return;
    await page.waitForTimeout(200);
  }
  throw new NotebookPageError(
    `the kernel "${kernelDisplayName}" was not attached and idle within ${timeoutMs} ms ` +
      `(toolbar kernel: "${seen.name}", status: "${seen.status}")`,
  );
}

/** Throws when JupyterLab shows a modal dialog (kernel choice, errors): nothing runs until someone answers. */
export async function failOnDialog(page: Page): Promise<void> {
  const dialog = page.locator(".jp-Dialog");
  if ((await dialog.count()) > 0) {
    const text = ((await dialog.first().textContent()) ?? "").replace(/\s+/g, " ").trim();
    throw new NotebookPageError(`JupyterLab shows a dialog: "${text}"`);
  }
}

/** Where and what to open. */
export interface NotebookLocation {
  baseUrl: string;
  token: string;
  /** The notebook's path under the server's root. */
  name: string;
  /** The display name of the kernel the notebook asks for, as the toolbar shows it. */
  kernelDisplayName: string;
}

/** Opens a notebook from the server's root and waits until its kernel is attached and idle. */
export async function openNotebook(page: Page, where: NotebookLocation, timeoutMs: number): Promise<void> {
  const { baseUrl, token, name } = where;
  // `reset` starts from an empty workspace: no earlier notebook restored beside this one to take the menu's focus.
  await page.goto(`${baseUrl}/lab/tree/${encodeURIComponent(name)}?reset&token=${token}`, {
    timeout: timeoutMs,
  });
  try {
    await currentNotebook(page).locator(".jp-Cell").first().waitFor({ timeout: timeoutMs });
  } catch (error) {
    throw new NotebookPageError(`the notebook ${name} did not open within ${timeoutMs} ms: ${String(error)}`);
  }
  await waitForKernelIdle(page, where.kernelDisplayName, timeoutMs);
}

/** The prompts of the code cells, e.g. ["[1]:", "[*]:", "[ ]:"]. */
export async function cellPrompts(page: Page): Promise<string[]> {
  return currentNotebook(page)
    .locator(".jp-CodeCell .jp-InputArea-prompt")
    .evaluateAll((prompts) => prompts.map((prompt) => (prompt.textContent ?? "").trim()));
}

const nothingQueuedTimeoutMs = 20_000;

/** Clicks Run -> Run All Cells and waits until every code cell shows an execution count and the kernel is idle. */
export async function runAllCells(page: Page, kernelDisplayName: string, timeoutMs: number): Promise<void> {
  await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
  await page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click();
  const started = Date.now();
  const deadline = started + timeoutMs;
  let prompts: string[] = [];
  while (Date.now() < deadline) {
    await failOnDialog(page);
    prompts = await cellPrompts(page);
    if (prompts.length > 0 && prompts.every((prompt) => /^\[\d+\]:?$/.test(prompt))) {
      await waitForKernelIdle(page, kernelDisplayName, Math.max(1000, deadline - Date.now()));
      return;
    }
    // Queued cells show [*] at once; if none does, the click reached no notebook and waiting is pointless.
    if (
      Date.now() - started > nothingQueuedTimeoutMs &&
      prompts.every((prompt) => /^\[ ?\]:?$/.test(prompt))
    ) {
      throw new NotebookPageError(
        `Run All Cells queued no cell within ${nothingQueuedTimeoutMs} ms; cell prompts: ${JSON.stringify(prompts)}`,
      );
    }
    await page.waitForTimeout(250);
  }
  throw new NotebookPageError(
    `Run All Cells did not finish within ${timeoutMs} ms; cell prompts: ${JSON.stringify(prompts)}`,
  );
}

/** Texts of stderr streams and errors (JupyterLab renders both as application/vnd.jupyter.stderr). */
export async function errorOutputTexts(page: Page): Promise<string[]> {
  return outputsOfType(page, "application/vnd.jupyter.stderr").evaluateAll((outputs) =>
    outputs.map((output) => output.textContent ?? ""),
  );
}

/** The fields of an `<img>` element that the checks read (the compiler runs without the DOM typings). */
interface ImageElementFields {
  src: string;
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
}

/** The decoded source of an `<img>` (data: or blob: URL), fetched inside the page. */
export async function imageSource(image: Locator): Promise<string> {
  return image.evaluate(async (element) => {
    const response = await fetch((element as unknown as ImageElementFields).src);
    return response.text();
  });
}

/** Whether an `<img>` finished loading with a real bitmap (not a broken image). */
export async function imageLoaded(image: Locator): Promise<boolean> {
  return image.evaluate((element) => {
    const img = element as unknown as ImageElementFields;
    return img.complete && img.naturalWidth > 0 && img.naturalHeight > 0;
  });
}
