// The language worker thread: loads TypeScript (off the main thread), keeps the notebook's language service
// warm, and answers prepare (check + transpile), complete, inspect and is_complete requests in order.

import { parentPort, workerData } from "node:worker_threads";
import { InternalError } from "../../src/errors.js";
import { isCodeComplete } from "./is-complete.js";
import { CellLanguageService, type LanguageServiceOptions } from "./language-service.js";
import { keepLanguageMemoryFlat } from "./language-memory.js";
import type { LanguageMethods, LanguageRequest, LanguageResponse } from "./protocol.js";

const port = parentPort;
if (port === null) throw new InternalError("language-worker.js must run in a worker thread");

/** How long after start-up the completion warm-up waits for a first cell to go ahead of it. */
const WARM_COMPLETIONS_DELAY_MS = 300;
/**
 * How long the program with an unchecked cell's names waits for a pause before it is built: a run of
 * unchecked cells (a notebook run from the top) would otherwise build one program per cell, several
 * milliseconds of CPU each taken from the cells themselves.
 */
const WARM_AFTER_RECORD_MS = 50;

keepLanguageMemoryFlat();

const service = new CellLanguageService(workerData as LanguageServiceOptions);
/** The warm-up after unchecked cells, waiting for a pause (see WARM_AFTER_RECORD_MS). */
let pausedWarm: NodeJS.Timeout | undefined;

type Handlers = {
  [M in keyof LanguageMethods]: (params: LanguageMethods[M]["params"]) => LanguageMethods[M]["result"];
};

const handlers: Handlers = {
  warm: () => {
    service.warm();
    return null;
  },
  warmCompletions: () => {
    // Later, so that a first cell sent right after start-up is checked before this.
    setTimeout(() => service.warmCompletions(), WARM_COMPLETIONS_DELAY_MS);
    return null;
  },
  reset: () => {
    service.reset();
    return null;
  },
  prepare: ({ code }) => {
    clearTimeout(pausedWarm);
    const prepared = service.prepare(code);
    // Once this answer is posted: the next cell's checker, warmed while the reply travels.
    setImmediate(() => service.warmAfterCommit());
    return prepared;
  },
  record: ({ code }) => {
    service.record(code);
    clearTimeout(pausedWarm);
    pausedWarm = setTimeout(() => service.warmAfterCommit(), WARM_AFTER_RECORD_MS);
    return null;
  },
  complete: ({ code, cursorPos }) => service.complete(code, cursorPos),
  inspect: ({ code, cursorPos }) => service.inspect(code, cursorPos),
  isComplete: ({ code }) => isCodeComplete(code),
};

port.on("message", (request: LanguageRequest) => {
  let response: LanguageResponse;
  try {
    const handler = handlers[request.method] as (params: unknown) => unknown;
    response = { id: request.id, ok: true, result: handler(request.params) };
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    response = { id: request.id, ok: false, message: failure.message, stack: failure.stack };
  }
  port.postMessage(response);
});
