// What the execution process remembers of the cells that ran, for mapping stack frames back to cell lines:
// every recent cell, and older ones only while a name they declared is still the current one (its functions
// may still be called). So the table stays as large as the live definitions, not the notebook's history.

import type { CellRecord } from "./traceback.js";

/** How many of the latest cells are always kept, whatever they declared. */
const RECENT = 1000;

/** Cell records by cell id, pruned as names are redeclared. */
export class CellRecords {
  private readonly records = new Map<number, CellRecord>();
  /** Each declared name's cell, and how many current names each cell holds. */
  private readonly cellOfName = new Map<string, number>();
  private readonly liveNames = new Map<number, number>();

  get size(): number {
    return this.records.size;
  }

  get(cellId: number): CellRecord | undefined {
    return this.records.get(cellId);
  }

  add(cellId: number, record: CellRecord): void {
    this.records.set(cellId, record);
    this.prune(cellId);
  }

  /** Called as a cell defines its top-level names: they now belong to that cell. */
  declare(cellId: number, names: readonly string[]): void {
    for (const name of names) {
      const previous = this.cellOfName.get(name);
      if (previous === cellId) continue;
      if (previous !== undefined) this.liveNames.set(previous, (this.liveNames.get(previous) ?? 1) - 1);
      this.cellOfName.set(name, cellId);
      this.liveNames.set(cellId, (this.liveNames.get(cellId) ?? 0) + 1);
    }
  }

  /** Forgets the cell that just fell out of the recent window, unless it holds a current name. */
  private prune(latest: number): void {
    for (const [cellId] of this.records) {
      if (cellId > latest - RECENT) break; // ids grow with insertion order
      if ((this.liveNames.get(cellId) ?? 0) > 0) continue;
      this.records.delete(cellId);
      this.liveNames.delete(cellId);
    }
  }
}
