"""Benchmark helper for bench/kernel.ts: for one installed kernelspec, measures spawn -> first
kernel_info_reply, the median round trip (execute_request -> execute_reply and status idle) of trivial
cells, optionally a soak of thousands of cells (round trips and the RSS of the kernel's process tree) and
the round trip of cells that display huge tensors. Writes one JSON object to --output (never stdout: the
kernels share it, and a Node kernel makes it non-blocking, so long writes to it lose parts)."""

import argparse
import json
import os
import queue
import statistics
import time

import zmq
import zmq.asyncio
from jupyter_client.manager import KernelManager

# Reconnect quickly, so the client's first kernel_info is not held back by ZeroMQ's default 100 ms
# reconnect interval while the kernel is still binding (the same for every kernel measured). The client gets
# this context explicitly: jupyter_client would otherwise make one of its own, without the option (an
# asyncio context, the type its clients take).
CONTEXT = zmq.asyncio.Context()
CONTEXT.setsockopt(zmq.RECONNECT_IVL, 5)


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
    kc = km.client(context=CONTEXT)
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


def tree_rss_mb(root):
    """The resident memory of a process and all its descendants, in MB (Linux /proc)."""
    parents, rss = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(name)] = int(fields[1])
        rss[int(name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += rss.get(pid, 0)
        pending.extend(child for child, parent in parents.items() if parent == pid)
    return total / 2**20


def soak(kc, pid, templates, cells, every=10):
    """Runs `cells` cells (the templates in turn); round trip of each, tree RSS and the 1-minute load
    average every `every` cells (per-cell times on a shared machine follow the load). RSS swings by
    10-15% within each cycle of the language worker's full GCs (every ~75 cells), so the bench takes medians
    of many samples per window: 20 per 200 cells."""
    times, rss = [], []
    for i in range(cells):
        code = templates[i % len(templates)].replace("{i}", str(i))
        began = time.perf_counter()
        msg_id = kc.execute(code)
        reply = wait_reply(kc, msg_id, 120)
        wait_idle(kc, msg_id, 120)
        times.append(time.perf_counter() - began)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"soak cell {code!r} failed: {reply['content']}")
        if (i + 1) % every == 0:
            rss.append([i + 1, tree_rss_mb(pid), os.getloadavg()[0]])
    return {"times_s": times, "rss_mb": rss}


def displays(kc, km, cases, timeout, rounds):
    """For each (setup, expression): runs the setup (a fresh tensor), then times the cell that shows the
    expression; `rounds` times over all cases in turn, reporting the median and every round."""
    results = [{"setup": setup, "expression": expression, "all_s": [], "status": "ok", "alive": True}
               for setup, expression in cases]
    for _ in range(rounds):
        for entry in results:
            try:
                msg_id = kc.execute(entry["setup"])
                if wait_reply(kc, msg_id, timeout)["content"]["status"] != "ok":
                    raise RuntimeError("setup failed")
                wait_idle(kc, msg_id, timeout)
                began = time.perf_counter()
                msg_id = kc.execute(entry["expression"])
                reply = wait_reply(kc, msg_id, timeout)
                wait_idle(kc, msg_id, timeout)
                entry["all_s"].append(time.perf_counter() - began)
                if reply["content"]["status"] != "ok":
                    entry["status"] = reply["content"]["status"]
            except (queue.Empty, RuntimeError) as error:
                entry["status"] = f"no reply ({type(error).__name__})"
            entry["alive"] = km.is_alive()
            if not entry["alive"]:
                return finish_displays(results)
    return finish_displays(results)


def finish_displays(results):
    for entry in results:
        if entry["all_s"]:
            entry["seconds"] = statistics.median(entry["all_s"])
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kernel")
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--cells", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--code", action="append", required=True, help="cell template; {i} is the cell number")
    parser.add_argument("--soak", type=int, default=0, help="cells in the soak (0: none)")
    parser.add_argument("--soak-code", action="append", default=[], help="soak cell template, used in turn")
    parser.add_argument("--displays", default="[]", help="JSON list of [setup, expression] pairs")
    parser.add_argument("--display-timeout", type=float, default=120)
    parser.add_argument("--display-rounds", type=int, default=5, help="rounds over the displays (medians)")
    parser.add_argument("--output", required=True, help="file the JSON result is written to")
    args = parser.parse_args()

    starts = []
    for _ in range(args.starts - 1):
        km, kc, seconds = start(args.kernel)
        starts.append(seconds)
        stop(km, kc)
    km, kc, seconds = start(args.kernel)
    starts.append(seconds)
    result = {"kernel": args.kernel, "start_s": statistics.median(starts), "starts_s": starts}
    try:
        result["cell_s"] = {code: statistics.median(cell_round_trips(kc, code, args.cells, args.warmup))
                            for code in args.code}
        if args.soak > 0:
            result["soak"] = soak(kc, km.provisioner.process.pid, args.soak_code, args.soak)
        cases = json.loads(args.displays)
        if cases:
            result["displays"] = displays(kc, km, cases, args.display_timeout, args.display_rounds)
    finally:
        stop(km, kc)
    with open(args.output, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
