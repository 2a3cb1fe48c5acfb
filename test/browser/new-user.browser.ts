// What a new user meets first, in a real JupyterLab through headless Chromium: test/browser/new-user.ipynb
// run, then Tab completion on a tensor (the public API, no private members), contextual help open while
// typing (no ProtocolError in the kernel's log), showJacobian's names outside the typeset brackets, one number
// format in a heatmap and its caption, and the numbers in the table under a large PNG heatmap. Screenshots in
// test-artifacts/new-user/. Run by `npm test` after scripts/setup-jupyterlab.sh.

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
  outputsOfType,
  runAllCells,
} from "./notebook-page.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const artifacts = join(repoRoot, "test-artifacts", "new-user");
const notebookName = "new-user.ipynb";
const kernelDisplayName = "TypeScript (jaclab)";
const timeouts = { serverStartMs: 90_000, notebookOpenMs: 90_000, runAllMs: 180_000, elementMs: 20_000 };

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The boxes of the typeset characters with code point `code` (MathJax's CHTML draws each as an mjx-c). */
async function glyphBoxes(math: Locator, code: number): Promise<Box[]> {
  const hex = code.toString(16).toUpperCase();
  const glyphs = math.locator(`mjx-c.mjx-c${hex}`);
  const boxes: Box[] = [];
  for (let i = 0; i < (await glyphs.count()); i++) {
    const box = await glyphs.nth(i).boundingBox();
    if (box !== null) boxes.push(box);
  }
  return boxes;
}

/** The boxes of stretched delimiters (tall brackets), in document order. */
async function stretchedBoxes(math: Locator): Promise<Box[]> {
  const stretched = math.locator("mjx-stretchy-v");
  const boxes: Box[] = [];
  for (let i = 0; i < (await stretched.count()); i++) {
    const box = await stretched.nth(i).boundingBox();
    if (box !== null) boxes.push(box);
  }
  return boxes;
}

/** Types into a new code cell at the end of the notebook. */
async function typeInNewCell(page: Page, text: string): Promise<Locator> {
  const notebook = currentNotebook(page);
  await notebook.locator(".jp-CodeCell").last().click();
  await page.keyboard.press("Escape");
  await page.keyboard.press("b"); // a new cell below, in command mode
  await page.keyboard.press("Enter"); // edit it
  await page.keyboard.type(text, { delay: 60 });
  return notebook.locator(".jp-CodeCell").last();
}

test(
  "a new user's first steps in JupyterLab: completion, help, labelled Jacobians, heatmap numbers",
  { timeout: 420_000 },
  async (t) => {
    await rm(artifacts, { recursive: true, force: true });
    await mkdir(artifacts, { recursive: true });
    const notebook = await readFile(join(repoRoot, "test", "browser", notebookName), "utf8");
    await inJupyterLab(
      {
        repoRoot,
        files: { [notebookName]: notebook },
        artifacts,
        startTimeoutMs: timeouts.serverStartMs,
        viewport: { width: 1400, height: 2400 },
      },
      async (server, page) => {
        const opened = page;
        const running = server;
        await openNotebook(
          opened,
          { baseUrl: server.baseUrl, token: server.token, name: notebookName, kernelDisplayName },
          timeouts.notebookOpenMs,
        );
        await runAllCells(opened, kernelDisplayName, timeouts.runAllMs);
        await opened.screenshot({ path: join(artifacts, "notebook.png") });

        await t.test("no cell writes an error", async () => {
          assert.deepEqual(await errorOutputTexts(opened), []);
        });

        await t.test("showJacobian's typeset names stand outside the brackets", async () => {
          const math = outputsOfType(opened, "text/latex").locator("mjx-container").first();
          await math.waitFor({ timeout: timeouts.elementMs });
          assert.equal(await math.locator("mjx-merror").count(), 0, "MathJax reports an error in the LaTeX");
          // The brackets: "[" and "]" glyphs (a sized variant for a short matrix), or stretched delimiters.
          const opening = [...(await glyphBoxes(math, 0x5b)), ...(await stretchedBoxes(math))];
          const closing = [...(await glyphBoxes(math, 0x5d)), ...(await stretchedBoxes(math)).slice(1)];
          assert.ok(opening.length > 0 && closing.length > 0, "no brackets around the matrix");
          const [left, right] = [opening[0], closing[closing.length - 1]];
          for (const q of await glyphBoxes(math, "v".codePointAt(0) as number)) {
            assert.ok(
              q.y + q.height <= left.y + 2,
              `a column name (v) is not above the brackets: ${JSON.stringify({ q, left })}`,
            );
            assert.ok(
              q.x > left.x + left.width && q.x + q.width < right.x,
              "a column name is not over its column",
            );
          }
          for (const x of await glyphBoxes(math, "u".codePointAt(0) as number)) {
            assert.ok(
              x.x + x.width <= left.x + 2,
              `a row name (u) is not left of the brackets: ${JSON.stringify({ x, left })}`,
            );
          }
          await math.screenshot({ path: join(artifacts, "labelled-latex.png"), timeout: timeouts.elementMs });
        });

        await t.test("a heatmap's cells and caption share one number format", async () => {
          const output = outputsOfType(opened, "text/html").filter({ hasText: "1459.25" }).first();
          await output.waitFor({ timeout: timeouts.elementMs });
          const cells = await output.locator("td[title]").allTextContents();
          assert.deepEqual(cells, ["1459.25", "3.00", "12.00", "0.50"]);
          const caption = (await output.textContent()) ?? "";
          assert.match(caption, /min 0\.50 · max 1459\.25/);
          await output.screenshot({
            path: join(artifacts, "number-format.png"),
            timeout: timeouts.elementMs,
          });
        });

        await t.test("the summarised table under a large PNG heatmap shows its numbers", async () => {
          const output = opened.locator('.jp-OutputArea-output:has(img[src^="data:image/png"])').first();
          await output.waitFor({ timeout: timeouts.elementMs });
          await output.locator("summary").click();
          const table = output.locator("details table");
          await table.waitFor({ timeout: timeouts.elementMs });
          const numbers = await table.locator("td[title]").allTextContents();
          assert.equal(numbers.length, 16 * 16);
          assert.ok(
            numbers.every((text) => /^\d\.\d+$/.test(text)),
            `cells without numbers: ${numbers.slice(0, 5).join(", ")}`,
          );
          await output.screenshot({
            path: join(artifacts, "png-heatmap-table.png"),
            timeout: timeouts.elementMs,
          });
        });

        await t.test("Tab on a tensor lists its public API and no private members", async () => {
          await typeInNewCell(opened, "t.");
          await opened.keyboard.press("Tab");
          const completer = opened.locator(".jp-Completer");
          await completer.waitFor({ state: "visible", timeout: timeouts.elementMs });
          const items = await completer
            .locator(".jp-Completer-item")
            .evaluateAll((elements) => elements.map((element) => element.getAttribute("data-value") ?? ""));
          assert.ok(items.includes("abs") && items.includes("add"), `completions: ${items.join(", ")}`);
          assert.deepEqual(
            items.filter((item) => item.startsWith("_")),
            [],
          );
          await opened.screenshot({ path: join(artifacts, "completion.png") });
          await opened.keyboard.press("Escape");
        });

        await t.test(
          "contextual help follows the cursor while typing, and the kernel logs no protocol error",
          async () => {
            await opened.keyboard.press("Escape");
            await opened.keyboard.press("Control+i"); // Show Contextual Help
            await typeInNewCell(opened, "jacobian");
            const help = opened.locator(".jp-Inspector");
            await help
              .filter({ hasText: /jacobian/ })
              .first()
              .waitFor({ timeout: timeouts.elementMs });
            await opened.keyboard.type("(", { delay: 60 });
            await opened.waitForTimeout(1500);
            await opened.screenshot({ path: join(artifacts, "contextual-help.png") });
            assert.doesNotMatch(running.logTail(), /ProtocolError|cursor_pos/);
          },
        );
      },
    );
  },
);
