// The processes a cell started (execSync, spawn, ...): the descendants of the execution process that stayed
// in the kernel's process group, as a signal to that group would reach them (detached ones are left alone).

import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
}

/** pid, ppid and process group of every process, from /proc on Linux or `ps` elsewhere. */
function processTable(): ProcessEntry[] {
  if (process.platform === "linux") {
    const entries: ProcessEntry[] = [];
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        // The command name is in parentheses and may hold spaces: the fields after the last ")" are fixed.
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        entries.push({ pid: Number(name), ppid: Number(fields[1]), pgid: Number(fields[2]) });
      } catch {
        // The process ended while the table was read: it needs no signal.
      }
    }
    return entries;
  }
  const listing = execFileSync("ps", ["-A", "-o", "pid=,ppid=,pgid="], { encoding: "utf8" });
  return listing
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((fields) => fields.length === 3 && fields.every(Number.isInteger))
    .map(([pid, ppid, pgid]) => ({ pid, ppid, pgid }));
}

/** The descendants of `root` (not `root` itself) in the same process group as `root`. */
export function descendantsInGroup(root: number): number[] {
  const table = processTable();
  const group = table.find((entry) => entry.pid === root)?.pgid;
  if (group === undefined) return [];
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of table) children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), entry]);
  const found: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    for (const child of children.get(pending.pop() as number) ?? []) {
      if (child.pgid !== group) continue;
      found.push(child.pid);
      pending.push(child.pid);
    }
  }
  return found;
}

/** Sends `signal` to each of `pids`, ignoring those that have exited already; returns how many it reached. */
export function signalAll(pids: readonly number[], signal: NodeJS.Signals): number {
  let reached = 0;
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      reached++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }
  return reached;
}
