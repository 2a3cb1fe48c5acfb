// Measures the executor alone (no sockets): time to start, and the median round trip of trivial cells,
// type-checked and with `// @ts-nocheck`. Run: node dist/kernel/executor/bench-cells.js [cells]

import { createInterpreter } from "./index.js";
import { run } from "./test-support.js";

const cells = Number(process.argv[2] ?? 50);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeCells(
  interpreter: ReturnType<typeof createInterpreter>,
  code: (index: number) => string,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < cells; i++) {
    const started = performance.now();
    const { outcome } = await run(interpreter, code(i));
    times.push(performance.now() - started);
    if (outcome.status !== "ok") throw new Error(`bench: the cell failed: ${JSON.stringify(outcome)}`);
  }
  return times;
}

const started = performance.now();
const interpreter = createInterpreter();
await interpreter.start();
const startMs = performance.now() - started;
await timeCells(interpreter, (i) => `${i} + 1`); // warm the JIT of both workers
const identical = await timeCells(interpreter, () => "1 + 1");
const checked = await timeCells(interpreter, (i) => `${i} + 1`);
const unchecked = await timeCells(interpreter, (i) => `// @ts-nocheck\n${i} + 1`);
const declaring = await timeCells(interpreter, (i) => `let v${i % 5} = ${i};`);
await interpreter.shutdown();
console.log(`start (both workers warm): ${startMs.toFixed(0)} ms`);
console.log(`the same trivial cell again: median ${median(identical).toFixed(2)} ms over ${cells}`);
console.log(`trivial type-checked cell: median ${median(checked).toFixed(2)} ms over ${cells}`);
console.log(`trivial @ts-nocheck cell:  median ${median(unchecked).toFixed(2)} ms over ${cells}`);
console.log(`cell declaring a variable: median ${median(declaring).toFixed(2)} ms over ${cells}`);
