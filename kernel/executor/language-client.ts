// The main thread's handle on the language worker: typed request/response calls over postMessage.

import v8 from "node:v8";
import { Worker } from "node:worker_threads";
import type { LanguageMethod, LanguageMethods, LanguageRequest, LanguageResponse } from "./protocol.js";
import type { LanguageServiceOptions } from "./language-service.js";

/** The language worker's old-generation limit (see the constructor). */
const LANGUAGE_HEAP_MB = 1024;

/** The language worker failed a request or stopped. */
export class LanguageWorkerError extends Error {
  override readonly name = "LanguageWorkerError";
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** How long a {@link LanguageClient.callLater} request may wait for others to go with it. */
const DEFERRED_MS = 20;

/** Starts the language worker and sends it requests, answered in order. */
export class LanguageClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  /** Requests of {@link callLater} not sent yet. */
  private readonly deferred: LanguageRequest[] = [];
  private deferredTimer: NodeJS.Timeout | undefined;
  private nextId = 1;

  constructor(options: LanguageServiceOptions) {
    // The kernel's `--max-semi-space-size` (install.ts) is for its main thread; V8 applies the flag to every
    // isolate created while it is set, and the type checker needs V8's default young generation.
    v8.setFlagsFromString("--max-semi-space-size=0");
    this.worker = new Worker(new URL("./language-worker.js", import.meta.url), {
      workerData: options,
      // Each cell leaves a program's worth of garbage. Below 2 GB, V8 lets the heap grow to less than
      // twice what is live before a full collection, not four times, so the kernel's memory stays near
      // what the language service really holds (about 80 MB) however many cells run.
      resourceLimits: { maxOldGenerationSizeMb: LANGUAGE_HEAP_MB },
    });
    this.worker.on("message", (response: LanguageResponse) => {
      const pending = this.pending.get(response.id);
      if (pending === undefined) return;
      this.pending.delete(response.id);
      if (response.ok) pending.resolve(response.result);
      else
        pending.reject(
          new LanguageWorkerError(`language service: ${response.message}\n${response.stack ?? ""}`),
        );
    });
    this.worker.on("error", (error) => this.failAll(error));
    this.worker.on("exit", (code) =>
      this.failAll(new LanguageWorkerError(`the language worker stopped (code ${code})`)),
    );
  }

  call<M extends LanguageMethod>(
    method: M,
    params: LanguageMethods[M]["params"],
  ): Promise<LanguageMethods[M]["result"]> {
    this.sendDeferred();
    return this.request(method, params, (request) => this.worker.postMessage(request));
  }

  /**
   * Like {@link call}, but sent up to {@link DEFERRED_MS} later, with the others of that time, or before the
   * next call, so the order holds: the kernel sends its reply first, and a run of cells wakes the worker
   * once for all of their requests instead of once each.
   */
  callLater<M extends LanguageMethod>(
    method: M,
    params: LanguageMethods[M]["params"],
  ): Promise<LanguageMethods[M]["result"]> {
    return this.request(method, params, (request) => {
      this.deferred.push(request);
      if (this.deferred.length === 1) this.deferredTimer = setTimeout(() => this.sendDeferred(), DEFERRED_MS);
    });
  }

  private request<M extends LanguageMethod>(
    method: M,
    params: LanguageMethods[M]["params"],
    send: (request: LanguageRequest<M>) => void,
  ): Promise<LanguageMethods[M]["result"]> {
    const id = this.nextId++;
    const request: LanguageRequest<M> = { id, method, params };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      send(request);
    });
  }

  private sendDeferred(): void {
    clearTimeout(this.deferredTimer);
    for (const request of this.deferred.splice(0)) this.worker.postMessage(request);
  }

  async stop(): Promise<void> {
    clearTimeout(this.deferredTimer);
    await this.worker.terminate();
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
