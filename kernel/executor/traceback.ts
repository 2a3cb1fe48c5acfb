// Turns a thrown value into Jupyter's ename/evalue/traceback, mapping stack frames in cells back to cell lines.

import type { ErrorInfo } from "../interpreter.js";
import type { LineMappings } from "./protocol.js";
import { originalPosition } from "./source-map.js";

/** What the traceback needs to know about one cell that ran. */
export interface CellRecord {
  executionCount: number;
  source: string;
  mappings: LineMappings;
}

/** Where the records of cells are looked up by cell id. */
export interface CellLookup {
  get(cellId: number): CellRecord | undefined;
}

/** The script file name given to a cell's code, which is how stack frames are recognised. */
export function cellFileName(cellId: number): string {
  return `jaclab-cell-${cellId}`;
}

const CELL_FRAME = /jaclab-cell-(\d+):(\d+):(\d+)/;
/** Frames from the executor's own files and from Node's internals say nothing to a notebook user. */
const INTERNAL_FRAME = /node:internal|\/kernel\/executor\/|\(node:|at new Promise \(<anonymous>\)/;

/** Builds the error of a failed cell; frames that point into cells name the cell's line and column. */
export function errorInfo(thrown: unknown, cells: CellLookup): ErrorInfo {
  if (!(thrown instanceof Error) && !(typeof thrown === "object" && thrown !== null && "stack" in thrown)) {
    const evalue = typeof thrown === "string" ? thrown : describe(thrown);
    return { ename: "Uncaught", evalue, traceback: [`Uncaught ${evalue}`] };
  }
  const error = thrown as Error;
  const ename = typeof error.name === "string" && error.name !== "" ? error.name : "Error";
  const evalue = typeof error.message === "string" ? error.message : String(error.message);
  const stack = typeof error.stack === "string" ? error.stack : "";
  const frames: string[] = [];
  let quoted = false;
  for (const line of stack.split("\n")) {
    if (!/^\s+at /.test(line)) continue;
    const mapped = mapFrame(line, cells);
    if (mapped !== undefined) {
      if (mapped.frame === "") continue; // the cell's wrapper, not a line of the cell
      frames.push(mapped.frame);
      if (!quoted && mapped.quote !== undefined) {
        frames.push(mapped.quote);
        quoted = true;
      }
    } else if (!INTERNAL_FRAME.test(line)) {
      frames.push(line.replace(/^\s+/, "    "));
    }
  }
  return { ename, evalue, traceback: [`${ename}: ${evalue}`, ...frames] };
}

function mapFrame(line: string, cells: CellLookup): { frame: string; quote?: string } | undefined {
  const match = CELL_FRAME.exec(line);
  if (match === null) return undefined;
  const cell = cells.get(Number(match[1]));
  if (cell === undefined) return undefined;
  const generatedLine = Number(match[2]) - 1;
  const generatedColumn = Number(match[3]) - 1;
  const position = originalPosition(cell.mappings, generatedLine, generatedColumn);
  const functionName = /^\s+at (?:async )?([^\s(]+) \(/.exec(line)?.[1];
  const where = `Cell In[${cell.executionCount}]`;
  if (position === undefined) return { frame: "" };
  const name = functionName === undefined || functionName === "<anonymous>" ? "" : `, in ${functionName}`;
  const sourceLine = cell.source.split("\n")[position.line]?.replace(/\r$/, "");
  const frame = `    at ${where}, line ${position.line + 1}, column ${position.column + 1}${name}`;
  return {
    frame,
    quote: sourceLine === undefined ? undefined : `      ${position.line + 1} | ${sourceLine.trim()}`,
  };
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
