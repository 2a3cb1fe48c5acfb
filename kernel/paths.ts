// Where things live: this package's root, and the user's Jupyter data directory (as `jupyter --data-dir`).

import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InternalError } from "../src/errors.js";

/** The directory of jaclab's package.json, found by walking up from this (compiled) module. */
export function packageRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, "package.json");
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, "utf8")) as { name?: unknown };
      if (manifest.name === "jaclab") return directory;
    }
    const parent = dirname(directory);
    if (parent === directory)
      throw new InternalError("cannot find jaclab's package.json above the kernel module");
    directory = parent;
  }
}

/**
 * The user's Jupyter data directory, as jupyter_core computes it: $JUPYTER_DATA_DIR, else the platform's
 * place (~/.local/share/jupyter or $XDG_DATA_HOME/jupyter on Linux, ~/Library/Jupyter on macOS,
 * %APPDATA%\jupyter on Windows).
 */
export function jupyterDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (platform === "win32") return join(env.APPDATA ?? join(homedir(), "AppData", "Roaming"), "jupyter");
  return join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "jupyter");
}

/**
 * The history file: $JACLAB_HISTORY_FILE, else `history.jsonl` in $JACLAB_HISTORY_DIR, else
 * `<jupyter data dir>/jaclab/history.jsonl`.
 */
export function historyFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JACLAB_HISTORY_FILE) return env.JACLAB_HISTORY_FILE;
  return join(env.JACLAB_HISTORY_DIR || join(jupyterDataDir(env), "jaclab"), "history.jsonl");
}
