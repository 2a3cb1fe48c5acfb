// Debian's Chromium, headless, as every browser test starts it: no sandbox (CI runs as root), and no
// background connections (this machine has no internet, so they would only fail and slow the start).

import { chromium, type Browser } from "playwright-core";

const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Starts /usr/bin/chromium headless with a fresh profile. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
}
