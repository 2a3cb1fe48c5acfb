"""Benchmark helper for bench/kernel.ts: for one installed kernelspec, measures spawn -> first
kernel_info_reply, and the median round trip (execute_request -> execute_reply and status idle) of
trivial cells. Prints one JSON object on stdout."""

import argparse
import json
import queue
import statistics
import sys
import time

import zmq
from jupyter_client.manager import KernelManager

# Reconnect quickly, so the client's first kernel_info is not held back by ZeroMQ's default 100 ms
# reconnect interval while the kernel is still binding (the same for every kernel measured).
zmq.Context.instance().setsockopt(zmq.RECONNECT_IVL, 5)


def wait_reply(kc, msg_id, timeout):
    deadline = time.perf_counter() + timeout
    while True:
        reply = kc.get_shell_msg(timeout=max(0.01, deadline - time.perf_counter()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def wait_idle(kc, msg_id, timeout):
    deadline = time.perf_counter() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.perf_counter()))
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            return


def start(name):
    km = KernelManager(kernel_name=name)
    began = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    # Like jupyter_client's wait_for_ready: ask again every half second until a kernel_info_reply comes,
    # in case a kernel drops requests that arrive while it is still starting.
    sent = set()
    deadline = began + 60
    while time.perf_counter() < deadline:
        sent.add(kc.kernel_info())
        resend_at = time.perf_counter() + 0.5
        while time.perf_counter() < resend_at:
            try:
                reply = kc.get_shell_msg(timeout=max(0.01, resend_at - time.perf_counter()))
            except queue.Empty:
                break
            if reply["parent_header"].get("msg_id") in sent:
                seconds = time.perf_counter() - began
                nudge_iopub(kc)
                return km, kc, seconds
    raise RuntimeError(f"{name}: no kernel_info_reply within 60 s")


def nudge_iopub(kc):
    """Waits until iopub delivers (a PUB socket drops what it sends before the subscription arrives), by
    asking for kernel_info until its idle status comes through, as jupyter_server's nudge does."""
    for _ in range(100):
        msg_id = kc.kernel_info()
        wait_reply(kc, msg_id, 10)
        try:
            wait_idle(kc, msg_id, 0.2)
            return
        except queue.Empty:
            continue
    raise RuntimeError("iopub never delivered a status message")


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def cell_round_trips(kc, template, cells, warmup):
    times = []
    for i in range(warmup + cells):
        code = template.replace("{i}", str(i))
        began = time.perf_counter()
        msg_id = kc.execute(code)
        reply = wait_reply(kc, msg_id, 60)
        wait_idle(kc, msg_id, 60)
        elapsed = time.perf_counter() - began
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"cell {code!r} failed: {reply['content']}")
        if i >= warmup:
            times.append(elapsed)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kernel")
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--cells", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--code", action="append", required=True, help="cell template; {i} is the cell number")
    args = parser.parse_args()

    starts = []
    for _ in range(args.starts - 1):
        km, kc, seconds = start(args.kernel)
        starts.append(seconds)
        stop(km, kc)
    km, kc, seconds = start(args.kernel)
    starts.append(seconds)
    try:
        cells = {code: statistics.median(cell_round_trips(kc, code, args.cells, args.warmup)) for code in args.code}
    finally:
        stop(km, kc)
    json.dump({"kernel": args.kernel, "start_s": statistics.median(starts), "starts_s": starts, "cell_s": cells},
              sys.stdout)


if __name__ == "__main__":
    main()
