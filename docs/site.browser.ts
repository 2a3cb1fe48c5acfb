// The documentation site as a reader meets it: site/index.html (built by `npm run docs`) served on
// 127.0.0.1 and opened in headless Chromium; every link followed, from page to page, to a page that exists
// (and to the anchor it names); a tutorial page showing its graph diagram and a heatmap, the 03 page its
// PNG heatmap and chart, formulas typeset and widget views drawn with the site's own scripts. Screenshots go to test-artifacts/site/. Run by `npm test` after `npm run docs`:
//   node --test dist/docs/site.browser.js

import assert from "node:assert/strict";
import { mkdir, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Browser, Locator, Page } from "playwright-core";
import { launchChromium } from "../test/browser/chromium.js";
import { serveDirectory, type StaticServer } from "./static-server.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const artifacts = join(repoRoot, "test-artifacts", "site");
interface Crawl {
  /** Pages opened in the browser, by path. */
  pages: Map<string, { ids: Set<string> }>;
  /** Other files linked (notebooks, assets), by path, with their HTTP status. */
  files: Map<string, number>;
  /** Every link seen: the page it is on and the URL it points to. */
  links: { from: string; to: URL }[];
  /** Links to other sites (not followed: this machine has no internet). */
  external: Set<string>;
}

/** An <img> as the page shows it: its rendered size and the source of the image it loaded. */
async function shownImage(image: Locator): Promise<{ width: number; height: number; source: string }> {
  const box = await image.boundingBox();
  const loaded = await image.evaluate(async (element) => {
    const img = element as unknown as { complete: boolean; naturalWidth: number; src: string };
    return { complete: img.complete && img.naturalWidth > 0, source: await (await fetch(img.src)).text() };
  });
  assert.ok(loaded.complete, "the image did not load");
  return { width: box?.width ?? 0, height: box?.height ?? 0, source: loaded.source };
}

/** Opens every page reachable from index.html by links within the site. */
async function crawl(page: Page, base: URL): Promise<Crawl> {
  const result: Crawl = { pages: new Map(), files: new Map(), links: [], external: new Set() };
  const queue = ["/index.html"];
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (result.pages.has(path)) continue;
    const response = await page.goto(new URL(path, base).href, { waitUntil: "domcontentloaded" });
    assert.equal(response?.status(), 200, `${path} (linked from the site) does not load`);
    // Read as attributes and resolved here: the compiler runs without the DOM typings.
    const hrefs = (
      await page.locator("a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""))
    )
      .filter((href) => !href.startsWith("javascript:"))
      .map((href) => new URL(href, page.url()).href);
    const ids = await page
      .locator("[id], a[name]")
      .evaluateAll((es) => es.map((e) => e.getAttribute("id") ?? e.getAttribute("name") ?? ""));
    result.pages.set(path, { ids: new Set(ids) });
    for (const href of hrefs) {
      const to = new URL(href);
      if (to.origin !== base.origin) {
        result.external.add(`${to.origin}${to.pathname}`);
        continue;
      }
      result.links.push({ from: path, to });
      const target = decodeURIComponent(to.pathname);
      if (target.endsWith(".html") || target.endsWith("/")) {
        if (!result.pages.has(target)) queue.push(target);
      } else if (!result.files.has(target)) {
        result.files.set(target, (await fetch(new URL(target, base))).status);
      }
    }
  }
  return result;
}

test(
  "the documentation site: every link leads to a page that exists, tutorials show their outputs",
  { timeout: 600_000 },
  async (t) => {
    await rm(artifacts, { recursive: true, force: true });
    await mkdir(artifacts, { recursive: true });
    let server: StaticServer | undefined;
    let browser: Browser | undefined;
    try {
      server = await serveDirectory(join(repoRoot, "site"));
      const base = new URL(server.url);
      browser = await launchChromium();
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      // The site must work offline: requests to other hosts (CDN scripts) are refused, not waited for.
      await context.route("**/*", (route) =>
        new URL(route.request().url()).origin === base.origin ? route.continue() : route.abort(),
      );
      const page = await context.newPage();

      await t.test(
        "the front page says what jaclab is, how to start, and links tutorials and reference",
        async () => {
          await page.goto(new URL("/index.html", base).href);
          const text = await page.locator("body").innerText();
          assert.match(text, /Jupyter kernel for TypeScript/);
          assert.match(text, /npm start/);
          for (const name of [
            "01-the-original-question",
            "02-jacobians-and-hessians",
            "03-seeing-derivatives",
          ]) {
            assert.equal(
              await page.locator(`a[href="tutorials/${name}.html"]`).count(),
              1,
              `no link to ${name}`,
            );
          }
          assert.equal(await page.locator('a[href="api/index.html"]').count(), 1);
          await page.screenshot({ path: join(artifacts, "index.png"), fullPage: true });
        },
      );

      await t.test(
        "every link within the site leads to a page or file that exists, anchors included",
        async () => {
          const site = await crawl(page, base);
          const missingFiles = [...site.files].filter(([, status]) => status !== 200);
          assert.deepEqual(missingFiles, [], "linked files that do not exist");
          const brokenAnchors = site.links
            .filter(({ to }) => to.hash.length > 1)
            .filter(({ to }) => {
              const target = site.pages.get(decodeURIComponent(to.pathname));
              const anchor = to.hash.slice(1); // browsers match the fragment as written, then percent-decoded
              return (
                target !== undefined && !target.ids.has(anchor) && !target.ids.has(decodeURIComponent(anchor))
              );
            })
            .map(({ from, to }) => `${from} -> ${to.pathname}${to.hash}`);
          assert.deepEqual([...new Set(brokenAnchors)], [], "links to anchors that are not on their page");
          assert.ok(
            site.pages.size > 50,
            `expected the whole API reference, crawled only ${site.pages.size} pages`,
          );
          t.diagnostic(
            `${site.pages.size} pages, ${site.files.size} files, ${site.links.length} links, external: ${[...site.external].join(" ")}`,
          );
        },
      );

      await t.test("a tutorial page shows its graph diagram and a heatmap", async () => {
        await page.goto(new URL("/tutorials/01-the-original-question.html", base).href);
        // Like JupyterLab, the site shows SVG outputs as images (docs: scripts/tutorials/__main__.py).
        const diagram = page.locator('[data-mime-type="image/svg+xml"] img').first();
        await diagram.scrollIntoViewIfNeeded();
        const shown = await shownImage(diagram);
        assert.ok(
          shown.width > 100 && shown.height > 100,
          `graph diagram not shown: ${JSON.stringify(shown)}`,
        );
        assert.ok((shown.source.match(/class="node"/g) ?? []).length >= 4, "the diagram has its nodes");
        await diagram.screenshot({ path: join(artifacts, "tutorial-graph.png") });
        const heatmap = page.locator('[data-mime-type="text/html"] table').first();
        await heatmap.scrollIntoViewIfNeeded();
        assert.ok(await heatmap.isVisible(), "no heatmap table shown");
        const coloured = await heatmap
          .locator("td")
          .evaluateAll(
            (cells) => cells.filter((td) => /background/.test(td.getAttribute("style") ?? "")).length,
          );
        assert.ok(coloured >= 4, `the heatmap's cells are not coloured (${coloured})`);
        await heatmap.screenshot({ path: join(artifacts, "tutorial-heatmap.png") });
      });

      await t.test("the 03 page shows the PNG heatmap and the timing chart", async () => {
        await page.goto(new URL("/tutorials/03-seeing-derivatives.html", base).href);
        const png = page.locator('img[src^="data:image/png"]').first();
        await png.scrollIntoViewIfNeeded();
        const width = await png.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
        assert.ok(width >= 96, `PNG heatmap not loaded (natural width ${width})`);
        const chart = page.locator('[data-mime-type="image/svg+xml"] img').last();
        await chart.scrollIntoViewIfNeeded();
        const shown = await shownImage(chart);
        assert.ok(shown.width > 100 && /class="marks"/.test(shown.source), "timing chart not shown");
        await chart.screenshot({ path: join(artifacts, "tutorial-chart.png") });
      });

      await t.test("tutorial pages typeset their mathematics and show their widgets, offline", async () => {
        // Both come from site/vendor (docs/vendor.ts): the route above refuses every other host.
        await page.goto(new URL("/tutorials/05-interactive.html", base).href);
        const typeset = page.locator(".MathJax_CHTML").first();
        await typeset.waitFor({ timeout: 60_000 });
        const math = await page.locator(".MathJax_CHTML").count();
        const source = await page
          .locator(".jp-MarkdownOutput")
          .evaluateAll(
            (cells) => cells.filter((cell) => /\$[^$\s][^$]*\$/.test(cell.textContent ?? "")).length,
          );
        assert.equal(source, 0, "a Markdown cell still shows $...$ as source");
        const slider = page.locator(".widget-slider").first();
        await slider.waitFor({ timeout: 60_000 });
        const widgets = await page.locator(".jupyter-widgets").count();
        assert.ok(widgets >= 4, `only ${widgets} widget views rendered`);
        // The arm (an HTML widget's SVG) and the Jacobian (an Output widget's heatmap) drawn, not as markup.
        assert.ok(
          (await page.locator(".widget-html-content svg polyline").count()) >= 1,
          "the arm is not drawn",
        );
        assert.ok(
          (await page.locator(".jupyter-widgets table.jaclab-heatmap td").count()) >= 4,
          "no heatmap",
        );
        const markup = await page
          .locator(".jupyter-widgets")
          .evaluateAll((views) => views.filter((view) => /<svg|<table/.test(view.textContent ?? "")).length);
        assert.equal(markup, 0, "a widget shows HTML markup as text");
        t.diagnostic(`${math} typeset formulas, ${widgets} widget views`);
        await slider.scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(artifacts, "tutorial-widgets.png") });
      });
    } finally {
      await browser?.close();
      await server?.close();
    }
  },
);
