// Which slot file of the language service holds which cell's declarations. A cell that declares names takes
// a slot; once later cells have redeclared every name a slot provides, nothing can refer to it any more (later
// cells see names only through the globals file), so the slot is freed and reused, and the program stays as
// large as the names that are live, not as long as the notebook's history.

/** Slot numbers for cells, reusing the lowest freed slot first. */
export class SlotTable {
  private readonly names = new Map<number, Set<string>>();
  private readonly slotOf = new Map<string, number>();
  private readonly free: number[] = [];
  private next = 0;

  /** How many slots have ever been handed out (the highest slot number plus one). */
  get allocated(): number {
    return this.next;
  }

  /** How many slots hold a live name. */
  get live(): number {
    return this.names.size;
  }

  /** A slot for a cell declaring `declared`, and the slots that no live name needs any more. */
  assign(declared: readonly string[]): { slot: number; freed: number[] } {
    const slot = this.free.length > 0 ? this.takeLowestFree() : this.next++;
    const freed: number[] = [];
    for (const name of declared) {
      const previous = this.slotOf.get(name);
      if (previous !== undefined) {
        const owned = this.names.get(previous);
        owned?.delete(name);
        if (owned?.size === 0) {
          this.names.delete(previous);
          freed.push(previous);
        }
      }
      this.slotOf.set(name, slot);
    }
    this.names.set(slot, new Set(declared));
    this.free.push(...freed);
    return { slot, freed };
  }

  /** Frees every slot (the execution worker was replaced) and returns those that held names. */
  clear(): number[] {
    const used = [...this.names.keys()];
    this.names.clear();
    this.slotOf.clear();
    this.free.push(...used);
    return used;
  }

  private takeLowestFree(): number {
    let lowest = 0;
    for (let i = 1; i < this.free.length; i++) if (this.free[i] < this.free[lowest]) lowest = i;
    return this.free.splice(lowest, 1)[0];
  }
}
