// The language service's document registry, answering "update" for a file whose version has not changed
// straight from memory. TypeScript's own registry first works out the file's settings (script kind, target,
// module format, bucket) and only then sees that nothing changed, for each of a program's ~200 files on every
// cell; the cells' program is rebuilt per cell, so that bookkeeping is a good part of a trivial cell's time.

import ts from "typescript";

interface Known {
  version: string;
  key: ts.DocumentRegistryBucketKey;
  scriptKind: ts.ScriptKind | undefined;
  file: ts.SourceFile;
}

/** A document registry that remembers the last source file it gave out per path. */
export class VersionCachedRegistry {
  private readonly known = new Map<ts.Path, Known>();
  readonly registry: ts.DocumentRegistry;

  constructor() {
    const inner = ts.createDocumentRegistry();
    const remember = (path: ts.Path, entry: Known): ts.SourceFile => {
      this.known.set(path, entry);
      return entry.file;
    };
    this.registry = {
      ...inner,
      acquireDocumentWithKey: (fileName, path, settings, key, snapshot, version, scriptKind, options) =>
        remember(path, {
          version,
          key,
          scriptKind,
          file: inner.acquireDocumentWithKey(
            fileName,
            path,
            settings,
            key,
            snapshot,
            version,
            scriptKind,
            options,
          ),
        }),
      updateDocumentWithKey: (fileName, path, settings, key, snapshot, version, scriptKind, options) => {
        const known = this.known.get(path);
        if (known?.version === version && known.key === key && known.scriptKind === scriptKind)
          return known.file;
        return remember(path, {
          version,
          key,
          scriptKind,
          file: inner.updateDocumentWithKey(
            fileName,
            path,
            settings,
            key,
            snapshot,
            version,
            scriptKind,
            options,
          ),
        });
      },
      releaseDocumentWithKey: (
        path: ts.Path,
        key: ts.DocumentRegistryBucketKey,
        scriptKind?: ts.ScriptKind,
        impliedNodeFormat?: ts.ResolutionMode,
      ) => {
        this.known.delete(path);
        if (scriptKind === undefined) inner.releaseDocumentWithKey(path, key);
        else inner.releaseDocumentWithKey(path, key, scriptKind, impliedNodeFormat);
      },
    };
  }

  /** Forgets the remembered files (the files on disk may have changed), so the next update asks again. */
  clear(): void {
    this.known.clear();
  }
}
