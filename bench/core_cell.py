"""Runs one cell in a real jaclab kernel through jupyter_client and prints what the cell printed on stdout
(for bench/core-cell.ts: the cell runs the core benchmark's loop and prints its timing as JSON).

Usage: core_cell.py KERNEL_NAME CELL_FILE   (JUPYTER_PATH must find the kernelspec)
"""

import json
import queue
import sys
import time

from jupyter_client.manager import KernelManager


def main():
    name, cell_file = sys.argv[1], sys.argv[2]
    with open(cell_file) as f:
        code = f.read()
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        # A type-checked cell first, so that the kernel's language service has finished warming up (its
        # thread would otherwise share the process CPU time the loop measures), then a pause.
        kc.execute_interactive("1 + 1", timeout=120, output_hook=lambda msg: None)
        time.sleep(2)
        msg_id = kc.execute(code)
        out = []
        deadline = time.monotonic() + 600
        while True:
            try:
                msg = kc.get_iopub_msg(timeout=max(1, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError("the benchmark cell did not finish within 600 s")
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content["name"] == "stdout":
                out.append(content["text"])
            elif kind == "error":
                raise RuntimeError(f"the benchmark cell failed: {content['ename']}: {content['evalue']}")
            elif kind == "status" and content["execution_state"] == "idle":
                break
        sys.stdout.write("".join(out))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # reported as JSON so that the benchmark can print why
        json.dump({"error": f"{type(e).__name__}: {e}"}, sys.stdout)
