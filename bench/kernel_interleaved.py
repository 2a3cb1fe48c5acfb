"""Benchmark helper for bench/kernel.ts: trivial-cell round trips of several kernels measured together,
one cell to each in turn, so that whatever else loads the machine weighs on all of them alike. Writes
{label: median seconds} as JSON to --output (never stdout, see kernel_bench.py).

Usage: kernel_interleaved.py --cells N --output FILE --kernel LABEL KERNELSPEC CODE [--kernel ...]
(CODE is a cell template; {i} is the cell number)."""

import argparse
import json
import statistics
import time

from kernel_bench import start, stop, wait_idle, wait_reply


def round_trip(kc, code):
    began = time.perf_counter()
    msg_id = kc.execute(code)
    reply = wait_reply(kc, msg_id, 30)
    wait_idle(kc, msg_id, 30)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"the cell {code!r} failed: {reply['content']}")
    return time.perf_counter() - began


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--kernel", nargs=3, action="append", required=True, metavar=("LABEL", "SPEC", "CODE"))
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    started = []
    times = {label: [] for label, _, _ in args.kernel}
    try:
        for label, spec, code in args.kernel:
            km, kc, _ = start(spec)
            started.append((label, km, kc, code))
        for _, _, kc, code in started:
            for i in range(args.warmup):
                round_trip(kc, code.replace("{i}", str(i)))
        for i in range(args.cells):
            for label, _, kc, code in started:
                times[label].append(round_trip(kc, code.replace("{i}", str(i))))
    finally:
        for _, km, kc, _ in started:
            stop(km, kc)
    with open(args.output, "w") as f:
        json.dump({label: statistics.median(values) for label, values in times.items()}, f)


if __name__ == "__main__":
    main()
