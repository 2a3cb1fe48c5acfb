// Starts and stops a real JupyterLab from the project's .venv for the browser test: headless, on 127.0.0.1,
// a free port and a random token, with its root, settings, workspaces and runtime files in a temporary
// directory so the test neither reads nor changes the user's Jupyter state.

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, type WriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** A failure to start or reach JupyterLab, with the server's log tail in the message. */
export class JupyterLabError extends Error {
  override name = "JupyterLabError";
}

export interface JupyterLabOptions {
  /** The repository root (holds .venv). */
  repoRoot: string;
  /** The kernelspec name the notebooks ask for; it must be installed in .venv. */
  kernelName: string;
  /** Files to place in the server's root directory: name -> contents. */
  files: Record<string, string>;
  /** Where the server's log goes (kept as a test artifact). */
  logPath: string;
  startTimeoutMs: number;
}

export interface RunningJupyterLab {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  baseUrl: string;
  token: string;
  /** The last lines the server wrote, for failure messages. */
  logTail(): string;
  /** Shuts the server (and its kernels) down; kills it if it does not exit in time. Never throws. */
  stop(): Promise<void>;
}

const maxLogTailChars = 4000;

/** Asks the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Writes user settings that keep pop-ups (news, update checks) from covering the notebook. */
async function writeQuietSettings(settingsDir: string): Promise<void> {
  const notificationDir = join(settingsDir, "@jupyterlab", "apputils-extension");
  await mkdir(notificationDir, { recursive: true });
  await writeFile(
    join(notificationDir, "notification.jupyterlab-settings"),
    JSON.stringify({ fetchNews: "false", checkForUpdates: false }),
  );
}

/** Starts JupyterLab and resolves once its REST API answers. */
export async function startJupyterLab(options: JupyterLabOptions): Promise<RunningJupyterLab> {
  const jupyter = join(options.repoRoot, ".venv", "bin", "jupyter");
  const kernelSpec = join(options.repoRoot, ".venv", "share", "jupyter", "kernels", options.kernelName);
  if (!existsSync(jupyter) || !existsSync(join(kernelSpec, "kernel.json"))) {
    throw new JupyterLabError(
      `JupyterLab or the '${options.kernelName}' kernelspec is missing in .venv (looked for ${jupyter} and ` +
        `${kernelSpec}/kernel.json): run \`bash scripts/setup-jupyterlab.sh\` first`,
    );
  }

  const scratch = await mkdtemp(join(tmpdir(), "jaclab-browser-"));
  const dirs = {
    root: join(scratch, "root"),
    config: join(scratch, "config"),
    data: join(scratch, "data"),
    runtime: join(scratch, "runtime"),
    settings: join(scratch, "settings"),
    workspaces: join(scratch, "workspaces"),
  };
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
  for (const [name, contents] of Object.entries(options.files))
    await writeFile(join(dirs.root, name), contents);
  await writeQuietSettings(dirs.settings);

  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_CONFIG_DIR: dirs.config,
    JUPYTER_DATA_DIR: dirs.data,
    JUPYTER_RUNTIME_DIR: dirs.runtime,
    JACLAB_HISTORY_DIR: join(scratch, "history"),
  };
  // The kernel must come from .venv (where `npm start` installs it), not from a test prefix.
  delete env.JUPYTER_PATH;

  const log: WriteStream = createWriteStream(options.logPath);
  let tail = "";
  const server: ChildProcess = spawn(
    jupyter,
    [
      "lab",
      "--no-browser",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${dirs.root}`,
      `--LabApp.user_settings_dir=${dirs.settings}`,
      `--LabApp.workspaces_dir=${dirs.workspaces}`,
      "--LabApp.news_url=None",
      "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
      // JupyterLab refuses to start as root (CI containers) unless told that it is intended.
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ],
    { env, cwd: dirs.root, stdio: ["ignore", "pipe", "pipe"] },
  );
  // If the test process ends without stop() (an uncaught error), JupyterLab must not outlive it; SIGTERM makes
  // it shut its kernels down (they run in sessions of their own, out of reach of a process-group kill).
  const terminateOnExit = (): void => {
    if (!exited) server.kill("SIGTERM");
  };
  process.once("exit", terminateOnExit);
  const record = (chunk: Buffer): void => {
    log.write(chunk);
    tail = (tail + chunk.toString("utf8")).slice(-maxLogTailChars);
  };
  server.stdout?.on("data", record);
  server.stderr?.on("data", record);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    server.once("exit", () => {
      exited = true;
      resolve();
    });
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (!exited) {
      try {
        // The REST shutdown also stops the kernels, which live in their own process sessions.
        await fetch(`${baseUrl}/api/shutdown`, {
          method: "POST",
          headers: { Authorization: `token ${token}` },
          signal: AbortSignal.timeout(5000),
        });
      } catch (error) {
        record(Buffer.from(`\n[test] /api/shutdown failed: ${String(error)}\n`));
      }
      await Promise.race([exitPromise, sleep(10_000)]);
    }
    if (!exited) {
      record(Buffer.from("\n[test] JupyterLab did not exit after /api/shutdown; killing it\n"));
      server.kill("SIGKILL");
      await Promise.race([exitPromise, sleep(5000)]);
    }
    process.removeListener("exit", terminateOnExit);
    await new Promise<void>((resolve) => log.end(resolve));
    await rm(scratch, { recursive: true, force: true });
  };

  const deadline = Date.now() + options.startTimeoutMs;
  let lastPollError: unknown = undefined;
  while (true) {
    if (exited) {
      await stop();
      throw new JupyterLabError(`JupyterLab exited during start-up; its log ends with:\n${tail}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/status`, {
        headers: { Authorization: `token ${token}` },
        signal: AbortSignal.timeout(2000),
      });
      if (response.ok) break;
    } catch (error) {
      lastPollError = error; // not listening yet: keep polling until the deadline
    }
    if (Date.now() > deadline) {
      await stop();
      throw new JupyterLabError(
        `JupyterLab did not answer ${baseUrl}/api/status within ${options.startTimeoutMs} ms ` +
          `(last error: ${String(lastPollError)}); log:\n${tail}`,
      );
    }
    await sleep(250);
  }
  return { baseUrl, token, logTail: () => tail, stop };
}
