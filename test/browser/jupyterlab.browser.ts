// The end-to-end check that a person sees jaclab's rich outputs: a real JupyterLab from .venv with the jaclab
// kernel, headless Chromium opening test/browser/fixture.ipynb, Run All Cells, then the heatmap table, the
// Graphviz SVG, the rendered LaTeX matrix, the PNG heatmap, the progress bar and a jitted gradient with
// graph() of its compiled program asserted in the page's DOM, then the sparse outputs of
// test/browser/sparse-fixture.ipynb (colouring diagram, coloured spy plot, sparse heatmap), each saved as a
// screenshot in test-artifacts/browser/. Run by `npm test` after scripts/setup-jupyterlab.sh:
//   node --test dist/test/browser/jupyterlab.browser.js

import assert from "node:assert/strict";
import { mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { inJupyterLab } from "./lab-session.js";
import {
  errorOutputTexts,
  imageLoaded,
  imageSource,
  openNotebook,
  outputsOfType,
  runAllCells,
} from "./notebook-page.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const artifacts = join(repoRoot, "test-artifacts", "browser");
const fixtureName = "fixture.ipynb";
const tutorialName = "01-the-original-question.ipynb";
const sparseFixtureName = "sparse-fixture.ipynb";
const kernelDisplayName = "TypeScript (jaclab)";

const timeouts = { serverStartMs: 90_000, notebookOpenMs: 90_000, runAllMs: 180_000, elementMs: 15_000 };

/** A notebook's JSON with every code cell's outputs and execution count cleared. */
function withoutOutputs(notebookJson: string): string {
  const notebook = JSON.parse(notebookJson) as { cells: { cell_type: string; [key: string]: unknown }[] };
  for (const cell of notebook.cells) {
    if (cell.cell_type === "code") Object.assign(cell, { outputs: [], execution_count: null });
  }
  return JSON.stringify(notebook, null, 1);
}

/** Saves a screenshot of the first element matched and returns its path. */
async function screenshotOf(page: Page, selector: string, file: string): Promise<string> {
  const path = join(artifacts, file);
  await page.locator(selector).first().screenshot({ path, timeout: timeouts.elementMs });
  return path;
}

test("JupyterLab shows jaclab's rich outputs in Chromium", { timeout: 420_000 }, async (t) => {
  await rm(artifacts, { recursive: true, force: true }); // no stale screenshot may pass for a new one
  await mkdir(artifacts, { recursive: true });
  const fixture = await readFile(join(repoRoot, "test", "browser", fixtureName), "utf8");
  // Tutorials are stored with their outputs: cleared here, so that what the checks see is what this run made.
  const tutorial = withoutOutputs(await readFile(join(repoRoot, "notebooks", tutorialName), "utf8"));
  const sparseFixture = await readFile(join(repoRoot, "test", "browser", sparseFixtureName), "utf8");
  await inJupyterLab(
    {
      repoRoot,
      files: { [fixtureName]: fixture, [tutorialName]: tutorial, [sparseFixtureName]: sparseFixture },
      artifacts,
      startTimeoutMs: timeouts.serverStartMs,
      viewport: { width: 1400, height: 2400 },
    },
    async (server, page) => {
      // Tall enough that the largest output (the backward-pass diagram) fits: JupyterLab scrolls inside a panel,
      // so an element screenshot is clipped to the viewport.
      const where = { baseUrl: server.baseUrl, token: server.token, name: fixtureName, kernelDisplayName };
      await openNotebook(page, where, timeouts.notebookOpenMs);
      await runAllCells(page, kernelDisplayName, timeouts.runAllMs);
      await page.screenshot({ path: join(artifacts, "notebook.png") });
      const openedPage = page;

      await t.test("no cell writes an error or stderr", async () => {
        assert.deepEqual(await errorOutputTexts(openedPage), []);
      });

      await t.test("the first cell's result 1 + 1 shows as 2", async () => {
        const texts = await outputsOfType(openedPage, "text/plain").allTextContents();
        assert.ok(texts.length > 0, "no text/plain output at all");
        assert.equal(texts[0]?.trim(), "2");
      });

      await t.test("a tensor shows as a heatmap table", async () => {
        const table = outputsOfType(openedPage, "text/html").locator("table").first();
        await table.waitFor({ timeout: timeouts.elementMs });
        const text = (await table.textContent()) ?? "";
        for (const value of ["2", "16"]) assert.ok(text.includes(value), `heatmap lacks ${value}: ${text}`);
        const coloured = await table.locator("td[style*='background']").count();
        assert.ok(coloured >= 3, `expected coloured heatmap cells, found ${coloured}`);
        const hovers = await table
          .locator("td[title]")
          .evaluateAll((cells) => cells.map((c) => c.getAttribute("title")));
        assert.ok(
          hovers.some((hover) => /∂x3\/∂q1 = 16\b/.test(hover ?? "")),
          `no hover text "∂x3/∂q1 = 16" among ${JSON.stringify(hovers)}`,
        );
        await screenshotOf(
          openedPage,
          '.jp-OutputArea-output[data-mime-type="text/html"]:has(table)',
          "heatmap.png",
        );
      });

      await t.test("graph() shows a Graphviz SVG with node groups", async () => {
        const image = outputsOfType(openedPage, "image/svg+xml").locator("img").first();
        await image.waitFor({ timeout: timeouts.elementMs });
        assert.ok(await imageLoaded(image), "the SVG <img> did not load");
        const svg = await imageSource(image);
        assert.match(svg, /<svg[\s>]/, "the <img> source is not SVG");
        const nodeGroups = svg.match(/class="node"/g)?.length ?? 0;
        assert.ok(
          nodeGroups >= 10,
          `expected the forward and backward nodes, found ${nodeGroups} node groups`,
        );
        assert.match(svg, /summed/, "the backward diagram does not show where the cotangents are summed");
        await screenshotOf(openedPage, '.jp-OutputArea-output[data-mime-type="image/svg+xml"]', "graph.png");
      });

      await t.test("a matrix shows as typeset LaTeX", async () => {
        const math = outputsOfType(openedPage, "text/latex").locator("mjx-container").first();
        await math.waitFor({ timeout: timeouts.elementMs });
        assert.ok((await math.locator("mjx-mtable").count()) > 0, "the typeset LaTeX holds no matrix table");
        await screenshotOf(openedPage, '.jp-OutputArea-output[data-mime-type="text/latex"]', "latex.png");
      });

      await t.test("a large matrix shows as a PNG heatmap", async () => {
        // JupyterLab prefers text/html over image/png, and the heatmap's HTML embeds the PNG above its table.
        const withPng = openedPage.locator('.jp-OutputArea-output:has(img[src^="data:image/png"])').first();
        await withPng.waitFor({ timeout: timeouts.elementMs });
        const image = withPng.locator('img[src^="data:image/png"]').first();
        assert.ok(await imageLoaded(image), "the PNG <img> did not load");
        const size = await image.evaluate((element) => {
          const img = element as unknown as { naturalWidth: number; naturalHeight: number };
          return [img.naturalWidth, img.naturalHeight];
        });
        assert.ok(Math.min(...size) >= 80, `PNG heatmap of an 80×80 matrix too small: ${size.join("×")}`);
        const path = join(artifacts, "png-heatmap.png");
        await withPng.screenshot({ path, timeout: timeouts.elementMs });
      });

      await t.test("a chunked jacobian with progress shows a finished progress bar", async () => {
        const bar = outputsOfType(openedPage, "text/html")
          .filter({ hasText: /done in/ })
          .first();
        await bar.waitFor({ timeout: timeouts.elementMs });
        const text = (await bar.textContent()) ?? "";
        assert.match(text, /(?:^|\D)64\/64 100%/, `the bar does not count 64 of 64 rows: ${text}`);
        // The bar is a frame with a filled inner element; finished, the fill spans the whole frame.
        const fullFills = await bar.evaluate(
          (element) =>
            Array.from(element.querySelectorAll("*")).filter(
              (child) => (child as unknown as { style: { width: string } }).style.width === "100%",
            ).length,
        );
        assert.ok(fullFills >= 1, `no element of the bar is filled to 100%: ${await bar.innerHTML()}`);
        await bar.screenshot({ path: join(artifacts, "progress.png"), timeout: timeouts.elementMs });
      });

      await t.test(
        "custom derivatives run in a cell: jacobian auto in one forward pass, the custom bwd used",
        async () => {
          const printed = await outputsOfType(openedPage, "application/vnd.jupyter.stdout").allTextContents();
          const line = printed.find((text) => text.includes("custom rules:"));
          assert.ok(
            line?.includes(
              '{"passes":[1,1],"diagonal":["2.0000","1.0806","-0.8323"],"forwardMode":"1.0806"}',
            ),
            `printed: ${JSON.stringify(printed)}`,
          );
        },
      );

      await t.test("a jitted gradient runs and graph() draws the program jit compiled", async () => {
        const printed = openedPage
          .locator(".jp-OutputArea-output")
          .filter({ hasText: /jit gradient: tensor\(\[/ });
        await printed.first().waitFor({ timeout: timeouts.elementMs });
        const image = outputsOfType(openedPage, "image/svg+xml").locator("img").last();
        await image.waitFor({ timeout: timeouts.elementMs });
        assert.ok(await imageLoaded(image), "the SVG <img> did not load");
        const svg = await imageSource(image);
        assert.match(svg, /the program jit compiled/, "the last diagram is not the jit program's");
        assert.match(svg, />sin</, "the program's sin is not drawn");
        assert.match(svg, />cos</, "the program's cos (the derivative) is not drawn");
        // The jit cell's own output (the fixture's first diagram is the backward pass's).
        await image.screenshot({ path: join(artifacts, "jit-program.png"), timeout: timeouts.elementMs });
      });

      await t.test(
        "the original-question tutorial runs in JupyterLab and shows rows of [10, 18]",
        async () => {
          await openNotebook(openedPage, { ...where, name: tutorialName }, timeouts.notebookOpenMs);
          await runAllCells(openedPage, kernelDisplayName, timeouts.runAllMs);
          assert.deepEqual(await errorOutputTexts(openedPage), []);
          const printed = await outputsOfType(openedPage, "application/vnd.jupyter.stdout").allTextContents();
          const oneCall = printed.find((text) => text.includes("one grad call:"));
          assert.ok(
            oneCall?.includes("[[10,18],[10,18],[10,18],[10,18]]"),
            `printed: ${JSON.stringify(printed)}`,
          );
          const diagrams = await outputsOfType(openedPage, "image/svg+xml").locator("img").count();
          assert.equal(diagrams, 1, "the tutorial shows one graph diagram");
          await openedPage.screenshot({ path: join(artifacts, "tutorial-01.png") });
        },
      );

      await t.test(
        "sparse Jacobians show their colouring diagram, coloured spy plot and sparse heatmap",
        async () => {
          await openNotebook(openedPage, { ...where, name: sparseFixtureName }, timeouts.notebookOpenMs);
          await runAllCells(openedPage, kernelDisplayName, timeouts.runAllMs);
          assert.deepEqual(await errorOutputTexts(openedPage), []);
          const diagram = outputsOfType(openedPage, "image/svg+xml").locator("img").first();
          await diagram.waitFor({ timeout: timeouts.elementMs });
          assert.ok(await imageLoaded(diagram), "the colouring diagram's SVG did not load");
          const svg = await imageSource(diagram);
          assert.ok(svg.includes("q0") && svg.includes("inputs (columns)"), svg.slice(0, 300));
          await screenshotOf(
            openedPage,
            '.jp-OutputArea-output[data-mime-type="image/svg+xml"]',
            "sparse-coloring.png",
          );
          const spy = outputsOfType(openedPage, "text/html")
            .filter({ hasText: "column coloring: 2 colours" })
            .first();
          await spy.waitFor({ timeout: timeouts.elementMs });
          assert.ok(
            await imageLoaded(spy.locator('img[src^="data:image/png"]').first()),
            "the spy plot PNG did not load",
          );
          await spy.screenshot({ path: join(artifacts, "sparse-spy.png"), timeout: timeouts.elementMs });
          const matrix = outputsOfType(openedPage, "text/html")
            .filter({ hasText: "SparseMatrix 4×2" })
            .first();
          await matrix.waitFor({ timeout: timeouts.elementMs });
          const caption = (await matrix.textContent()) ?? "";
          assert.match(caption, /4 nonzeros \(50\.0%\) · 1 colour \(column colouring, forward mode/, caption);
          const coloured = await matrix.locator("td[style*='background']").count();
          assert.ok(coloured >= 4 && caption.includes("16"), `${coloured} coloured cells: ${caption}`);
          await matrix.screenshot({
            path: join(artifacts, "sparse-matrix.png"),
            timeout: timeouts.elementMs,
          });
        },
      );
    },
  );
});
