// Memoised file-system queries for the language service: lib and package typings do not change while a
// notebook runs, and asking the disk again on every cell would dominate the cost of checking it.

import ts from "typescript";

/** Memoised file-system queries: the lib and package files do not change while a notebook runs. */
export class DiskCaches {
  private readonly exists = new Map<string, boolean>();
  private readonly directories = new Map<string, boolean>();
  private readonly contents = new Map<string, string | undefined>();
  private readonly snapshots = new Map<string, ts.IScriptSnapshot | undefined>();
  private readonly realpaths = new Map<string, string>();
  private readonly listings = new Map<string, string[]>();

  clear(): void {
    this.exists.clear();
    this.directories.clear();
    this.listings.clear();
  }

  fileExists(fileName: string): boolean {
    return memo(this.exists, fileName, () => ts.sys.fileExists(fileName));
  }

  directoryExists(directory: string): boolean {
    return memo(this.directories, directory, () => ts.sys.directoryExists(directory));
  }

  readFile(fileName: string): string | undefined {
    return memo(this.contents, fileName, () => ts.sys.readFile(fileName));
  }

  snapshot(fileName: string): ts.IScriptSnapshot | undefined {
    return memo(this.snapshots, fileName, () => {
      const text = this.readFile(fileName);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    });
  }

  realpath(fileName: string): string {
    return memo(this.realpaths, fileName, () => ts.sys.realpath?.(fileName) ?? fileName);
  }

  getDirectories(directory: string): string[] {
    return memo(this.listings, directory, () => ts.sys.getDirectories(directory));
  }
}

function memo<V>(cache: Map<string, V>, key: string, compute: () => V): V {
  if (cache.has(key)) return cache.get(key) as V;
  const value = compute();
  cache.set(key, value);
  return value;
}
