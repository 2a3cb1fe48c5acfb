"""This checkout's kernel for a test module: started in a directory of its own, with its own history file
(the kernelspec named by JACLAB_KERNEL_NAME, installed by scripts/test.sh), and always shut down."""

import os
from contextlib import contextmanager

from jupyter_client.manager import start_new_kernel

KERNEL_NAME = os.environ.get("JACLAB_KERNEL_NAME", "jaclab-test")


@contextmanager
def running_kernel(directory, **env):
    """Yields (manager, client) of a kernel started in `directory`; extra environment variables in `env`."""
    environment = dict(os.environ, JACLAB_HISTORY_FILE=str(directory / "history.jsonl"), **env)
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, env=environment, cwd=str(directory))
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
