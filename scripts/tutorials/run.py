"""Executes a tutorial through the jaclab kernel with the reference client (nbclient), in a temporary copy of
notebooks/, so that the stored file is untouched and an output that leaks the working directory shows up as a
difference. The kernel runs with a fixed time zone and locale, so dates or number formats could not differ
between machines even if a tutorial printed them."""

import os
import pathlib
import shutil
import tempfile

from nbclient import NotebookClient

from .normalise import normalise, read

CELL_TIMEOUT_S = 300
STARTUP_TIMEOUT_S = 60
KERNEL_ENVIRONMENT = {"TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


def execute(path, kernel_name, allow_errors=True):
    """The notebook at `path` executed top to bottom in a temporary copy of its folder, normalised."""
    path = pathlib.Path(path)
    notebook = read(path)
    with tempfile.TemporaryDirectory(prefix="jaclab-tutorial-") as scratch:
        workdir = pathlib.Path(scratch) / path.parent.name
        shutil.copytree(path.parent, workdir, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.ipynb"))
        history = pathlib.Path(scratch) / "history"
        client = NotebookClient(
            notebook,
            kernel_name=kernel_name,
            timeout=CELL_TIMEOUT_S,
            startup_timeout=STARTUP_TIMEOUT_S,
            allow_errors=allow_errors,
            record_timing=False,
            store_widget_state=True,
            resources={"metadata": {"path": str(workdir)}},
        )
        saved = {name: os.environ.get(name) for name in [*KERNEL_ENVIRONMENT, "JACLAB_HISTORY_DIR"]}
        os.environ.update(KERNEL_ENVIRONMENT, JACLAB_HISTORY_DIR=str(history))
        try:
            client.execute()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    return normalise(notebook, path.name)
