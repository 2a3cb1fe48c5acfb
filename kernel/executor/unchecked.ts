// Which cells skip the language worker: `// @ts-nocheck` cells have nothing to check, so the execution
// process transpiles them itself (unchecked-cell.ts) and the cell saves a round trip to another thread.
// This module is the main thread's test of that, without TypeScript (which only the workers load).

/** The first line of a cell that opts out of type checking. */
export const NOCHECK = /^\s*\/\/\s*@ts-nocheck\b/;

/**
 * True for an unchecked cell the execution process can prepare alone. A cell that may call `help(...)`
 * still goes through the language service, which looks up the documentation it shows.
 */
export function preparedByExecution(code: string): boolean {
  return NOCHECK.test(code) && !/\bhelp\b/.test(code);
}
