"""This checkout's kernel for a test module: started in a directory of its own, with its own history file
(the kernelspec named by JACLAB_KERNEL_NAME, installed by scripts/test.sh), and always shut down; and the
two waits every test does, for a request's shell reply and for its iopub messages up to idle."""

import os
from contextlib import contextmanager

from jupyter_client.manager import start_new_kernel

KERNEL_NAME = os.environ.get("JACLAB_KERNEL_NAME", "jaclab-test")
TIMEOUT = 30


def start_kernel(directory, **env):
    """(manager, client) of a kernel started in `directory`; extra environment variables in `env`."""
    environment = dict(os.environ, JACLAB_HISTORY_FILE=str(directory / "history.jsonl"), **env)
    return start_new_kernel(kernel_name=KERNEL_NAME, env=environment, cwd=str(directory))


def stop_kernel(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=True)


@contextmanager
def running_kernel(directory, **env):
    """Yields (manager, client) of a kernel started in `directory`, and shuts it down afterwards."""
    km, kc = start_kernel(directory, **env)
    try:
        yield km, kc
    finally:
        stop_kernel(km, kc)


def shell_reply(kc, msg_id, timeout=TIMEOUT):
    """The content of the shell reply to request msg_id (replies to other requests are skipped)."""
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply["content"]


def iopub_until_idle(kc, msg_id, timeout=TIMEOUT):
    """The iopub messages of request msg_id, up to (without) its status idle."""
    messages = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages
        messages.append(msg)


def result_data(messages):
    """The data of the execute_result among `messages`, or None."""
    results = [m["content"]["data"] for m in messages if m["msg_type"] == "execute_result"]
    return results[-1] if results else None
