// Execution history for history_request: kept in memory for the session and appended to a JSON-lines file
// (no SQLite), so `tail`, `range` and `search` also see the inputs of earlier kernel sessions.

import { mkdir, open, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { describeError, log } from "./log.js";

/** One stored cell: its session number, its execution count in that session, its source and output. */
export interface HistoryEntry {
  session: number;
  line: number;
  source: string;
  /** The text/plain of the cell's execute_result, when it had one. */
  output: string | null;
}

/** A row of history_reply: `[session, line, input]`, or `[session, line, [input, output]]` with output. */
export type HistoryRow = [number, number, string] | [number, number, [string, string | null]];

/** A line of the history file: an input, or the output of an input recorded earlier. */
type FileRecord =
  { session: number; line: number; source: string } | { session: number; line: number; output: string };

/** Converts a SQLite GLOB pattern (`*`, `?`, `[...]`, `[^...]`), as IPython's history search uses, to a RegExp. */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "*") source += "[\\s\\S]*";
    else if (char === "?") source += "[\\s\\S]";
    else if (char === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) {
        source += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, close);
      const negated = body.startsWith("^");
      if (negated) body = body.slice(1);
      source += `[${negated ? "^" : ""}${body.replace(/[\\\]]/g, "\\$&")}]`;
      i = close;
    } else source += char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "u");
}

/**
 * How much of the end of the history file a kernel reads: its newest sessions, a few thousand cells. The
 * file only grows (kernels of several notebooks append to it at once, so it is never rewritten), and
 * parsing all of it on the kernel's main thread took a second at 12 MB.
 */
const LOADED_BYTES = 1 << 20;

/** How long records wait for more to join their write (lost if the kernel is killed meanwhile). */
const WRITE_DELAY_MS = 50;

/** The history of this kernel and of earlier sessions stored in the same file. */
export class History {
  private entries: HistoryEntry[] = [];
  private sessionNumber = 1;
  private loaded: Promise<void> | undefined;
  private writes: Promise<void> = Promise.resolve();
  private writeFailed = false;
  /** The history file, opened once for appending (an open and a close per record cost more than the write). */
  private file: Promise<FileHandle> | undefined;
  /** Lines of records not yet handed to a write. */
  private unwritten: string[] = [];
  /** The write of {@link unwritten} to come. */
  private writeTimer: NodeJS.Timeout | undefined;

  /**
   * History in the file at `path` (without a path, in memory only). Earlier sessions are read at first use
   * or at {@link ready}, not here: the file grows with every session, and parsing it must not delay the
   * kernel's first kernel_info_reply.
   */
  constructor(private readonly path: string | undefined) {}

  private whenLoaded(): Promise<void> {
    this.loaded ??= this.path === undefined ? Promise.resolve() : this.load(this.path);
    return this.loaded;
  }

  private async load(path: string): Promise<void> {
    let text: string;
    try {
      text = await readTail(path, LOADED_BYTES);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT")
        log.warn(`history: cannot read ${path}: ${describeError(error)}`);
      return;
    }
    const byKey = new Map<string, HistoryEntry>();
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      let record: FileRecord;
      try {
        record = JSON.parse(line) as FileRecord;
      } catch {
        log.warn(`history: skipping a corrupt line in ${path}`);
        continue;
      }
      if (!Number.isInteger(record.session) || !Number.isInteger(record.line)) continue;
      const key = `${record.session}:${record.line}`;
      if ("source" in record && typeof record.source === "string") {
        byKey.set(key, { session: record.session, line: record.line, source: record.source, output: null });
      } else if ("output" in record && typeof record.output === "string") {
        const entry = byKey.get(key);
        if (entry !== undefined) entry.output = record.output;
      }
    }
    const earlier = [...byKey.values()].sort((a, b) => a.session - b.session || a.line - b.line);
    this.entries = [...earlier, ...this.entries];
    this.sessionNumber = Math.max(0, ...earlier.map((entry) => entry.session)) + 1;
  }

  /** Reads earlier sessions (once); resolves when this session's number is final. */
  ready(): Promise<void> {
    return this.whenLoaded();
  }

  /** This kernel's session number (one more than the newest stored session). */
  get session(): number {
    return this.sessionNumber;
  }

  /** Stores a cell's source under its execution count. */
  async record(line: number, source: string): Promise<void> {
    await this.whenLoaded();
    this.entries.push({ session: this.sessionNumber, line, source, output: null });
    this.append({ session: this.sessionNumber, line, source });
  }

  /** Stores the text output of a cell recorded before. */
  async recordOutput(line: number, output: string): Promise<void> {
    await this.whenLoaded();
    const entry = this.entries.findLast((item) => item.session === this.sessionNumber && item.line === line);
    if (entry === undefined) return;
    entry.output = output;
    this.append({ session: this.sessionNumber, line, output });
  }

  /**
   * Queues a record for the file. Records join a write made a moment later, so a busy session costs one
   * write per burst to the file kept open (instead of a directory check, an open, a write and a close per
   * record), and the write never runs between a cell's result and its reply.
   */
  private append(record: FileRecord): void {
    if (this.path === undefined || this.writeFailed) return;
    this.unwritten.push(`${JSON.stringify(record)}\n`);
    this.writeTimer ??= setTimeout(() => this.writeUnwritten(), WRITE_DELAY_MS);
  }

  /** Hands the records queued so far to one write, after the writes before it. */
  private writeUnwritten(): void {
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    const path = this.path;
    if (path === undefined || this.unwritten.length === 0) return;
    const text = this.unwritten.join("");
    this.unwritten = [];
    this.writes = this.writes.then(async () => {
      if (this.writeFailed) return;
      try {
        this.file ??= openForAppend(path);
        await (await this.file).appendFile(text, "utf8");
      } catch (error) {
        this.file = undefined;
        this.writeFailed = true;
        log.warn(`history: cannot write ${path}, keeping history in memory: ${describeError(error)}`);
      }
    });
  }

  /** Resolves when every record so far is on disk, and closes the file until the next record. */
  flush(): Promise<void> {
    this.writeUnwritten();
    this.writes = this.writes.then(async () => {
      const file = this.file;
      this.file = undefined;
      try {
        await (await file)?.close();
      } catch (error) {
        log.warn(`history: closing ${this.path ?? "the history file"} failed: ${describeError(error)}`);
      }
    });
    return this.writes;
  }

  /** The last `n` cells, oldest first. */
  async tail(n: number, output: boolean): Promise<HistoryRow[]> {
    await this.whenLoaded();
    return this.rows(n > 0 ? this.entries.slice(-n) : [], output);
  }

  /** Lines `start <= line < stop` of `session`; a session <= 0 counts back from the current one. */
  async range(session: number, start: number, stop: number | null, output: boolean): Promise<HistoryRow[]> {
    await this.whenLoaded();
    const target = session <= 0 ? this.sessionNumber + session : session;
    const selected = this.entries.filter(
      (entry) => entry.session === target && entry.line >= start && (stop === null || entry.line < stop),
    );
    return this.rows(selected, output);
  }

  /** Cells whose whole source matches the glob `pattern`; `unique` keeps the newest of equal sources. */
  async search(pattern: string, n: number | null, unique: boolean, output: boolean): Promise<HistoryRow[]> {
    await this.whenLoaded();
    const regexp = globToRegExp(pattern);
    let matches = this.entries.filter((entry) => regexp.test(entry.source));
    if (unique) {
      const newest = new Map<string, HistoryEntry>();
      for (const entry of matches) {
        newest.delete(entry.source);
        newest.set(entry.source, entry);
      }
      matches = [...newest.values()];
    }
    if (n !== null) matches = n > 0 ? matches.slice(-n) : [];
    return this.rows(matches, output);
  }

  private rows(entries: readonly HistoryEntry[], output: boolean): HistoryRow[] {
    return entries.map((entry): HistoryRow =>
      output
        ? [entry.session, entry.line, [entry.source, entry.output]]
        : [entry.session, entry.line, entry.source],
    );
  }
}

/** Opens a file for appending, creating its directory when it is missing. */
/** The last whole lines within the last `bytes` bytes of a file (all of it when it is smaller). */
async function readTail(path: string, bytes: number): Promise<string> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
    const text = buffer.subarray(0, bytesRead).toString("utf8");
    // Cut mid-line (or mid-character): the first line is not whole.
    return start === 0 ? text : text.slice(text.indexOf("\n") + 1);
  } finally {
    await file.close();
  }
}

async function openForAppend(path: string): Promise<FileHandle> {
  try {
    return await open(path, "a");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    await mkdir(dirname(path), { recursive: true });
    return await open(path, "a");
  }
}
