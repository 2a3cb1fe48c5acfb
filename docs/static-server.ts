// A minimal static file server for tests: serves one directory on 127.0.0.1 (a free port), 404 for anything
// outside it or missing, so a broken link shows as a failed response.

import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ipynb": "application/x-ipynb+json",
};

/** A running server: its base URL and how to stop it. */
export interface StaticServer {
  /** The base URL, e.g. http://127.0.0.1:40123/ */
  url: string;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Serves `root` until closed. */
export async function serveDirectory(root: string): Promise<StaticServer> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname));
    let file = join(root, path);
    if (!file.startsWith(root + sep) && file !== root) {
      response.writeHead(404).end();
      return;
    }
    void (async () => {
      try {
        if ((await stat(file)).isDirectory()) file = join(file, "index.html");
        const body = await readFile(file);
        response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
        response.end(body);
      } catch {
        response.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
