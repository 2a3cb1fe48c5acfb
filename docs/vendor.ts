// The scripts a rendered tutorial loads (MathJax for its LaTeX, require.js and the widget HTML manager for
// 05's widget views), copied into site/vendor so that the site works from any static host and offline.
// nbconvert's defaults point at file:///usr/share/javascript (Debian) and unpkg.com, which a reader's
// browser cannot reach. The packages come from the npm registry by `npm pack` (an exact version, checked
// against the registry's integrity hash by npm) into a cache, not as dependencies: MathJax 2 alone is
// 73 MB unpacked, of which the site needs a few.

import { execFileSync } from "node:child_process";
import { cp, mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";

/** A package the site needs: what to pack, and which of its files to copy (paths inside the package). */
interface VendorPackage {
  spec: string;
  tarball: string;
  dir: string;
  files: string[];
  /** Files not to copy after all, within those (paths relative to the package). */
  drop?: RegExp;
}

const PACKAGES: VendorPackage[] = [
  {
    // nbconvert 6's templates configure MathJax 2 (MathJax.Hub.Config).
    spec: "mathjax@2.7.9",
    tarball: "mathjax-2.7.9.tgz",
    dir: "mathjax",
    files: [
      "MathJax.js",
      "config/TeX-AMS_CHTML-full.js",
      "config/Safe.js",
      "extensions",
      "jax/input/TeX",
      "jax/output/CommonHTML",
      "jax/element",
      "localization/en",
      "fonts/HTML-CSS/TeX/woff",
      "LICENSE",
    ],
  },
  { spec: "requirejs@2.3.8", tarball: "requirejs-2.3.8.tgz", dir: "requirejs", files: ["require.js"] },
  {
    // The manager for widget state version 2 (ipywidgets 8), as JupyterLab's own widget manager.
    spec: "@jupyter-widgets/html-manager@1.0.15",
    tarball: "jupyter-widgets-html-manager-1.0.15.tgz",
    dir: "html-manager",
    files: ["dist"],
    // The page loads embed-amd.js (and the fonts it names); the other bundles are for other loaders.
    drop: /^dist\/(embed\.js|libembed-amd\.js|embed\.js\.LICENSE\.txt)$/,
  },
];

/** URLs (relative to a page in site/tutorials) of the vendored scripts, for nbconvert's HTML exporter. */
export interface VendoredScripts {
  mathjaxUrl: string;
  requireJsUrl: string;
  widgetRendererUrl: string;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Unpacks `pkg` from the cache (packing it from the registry first if absent) into `unpacked`. */
async function unpack(pkg: VendorPackage, cache: string): Promise<string> {
  const unpacked = join(cache, pkg.dir);
  if (await exists(join(unpacked, "package", "package.json"))) return join(unpacked, "package");
  await mkdir(unpacked, { recursive: true });
  if (!(await exists(join(cache, pkg.tarball)))) {
    execFileSync("npm", ["pack", pkg.spec, "--silent", "--pack-destination", cache], {
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  execFileSync("tar", ["-xzf", join(cache, pkg.tarball), "-C", unpacked]);
  return join(unpacked, "package");
}

/** Copies the vendored scripts into site/vendor; returns their URLs as a tutorial page links them. */
export async function vendorScripts(repoRoot: string, site: string): Promise<VendoredScripts> {
  const cache = join(repoRoot, "node_modules", ".cache", "jaclab-site");
  await mkdir(cache, { recursive: true });
  for (const pkg of PACKAGES) {
    const from = await unpack(pkg, cache);
    const to = join(site, "vendor", pkg.dir);
    for (const file of pkg.files) {
      if (!(await exists(join(from, file)))) throw new Error(`${pkg.spec} has no ${file}: the site needs it`);
      await cp(join(from, file), join(to, file), { recursive: true });
    }
    // Source maps are for the package's own developers, and the largest files in it.
    const unwanted = (name: string): boolean => name.endsWith(".map") || (pkg.drop?.test(name) ?? false);
    for (const name of (await readdir(to, { recursive: true })).filter(unwanted)) await rm(join(to, name));
  }
  return {
    mathjaxUrl: "../vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    requireJsUrl: "../vendor/requirejs/require.js",
    widgetRendererUrl: "../vendor/html-manager/dist/embed-amd.js",
  };
}
