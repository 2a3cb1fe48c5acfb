"""The tutorials (notebooks/NN-*.ipynb, the naming rule in scripts/tutorials/catalogue.py) and one fresh
execution of each through the jaclab kernel, in a temporary copy, shared by every test of the session: the
notebook tests check what the fresh run shows, the reproduction check compares it with the stored outputs.
The kernelspec named by JACLAB_KERNEL_NAME (default jaclab-test) must be installed (see scripts/test.sh)."""

import functools
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from tutorials import catalogue, compare, normalise, run  # noqa: E402

KERNEL_NAME = os.environ.get("JACLAB_KERNEL_NAME", "jaclab-test")
NOTEBOOK_DIR = catalogue.NOTEBOOK_DIR
TUTORIALS = [path.name for path in catalogue.tutorials()]

__all__ = ["ROOT", "NOTEBOOK_DIR", "TUTORIALS", "catalogue", "compare", "normalise", "executed", "stored"]


@functools.lru_cache(maxsize=None)
def executed(name):
    """Tutorial `name` after running all its cells once (errors kept as outputs, so tests can name them)."""
    return run.execute(NOTEBOOK_DIR / name, KERNEL_NAME, allow_errors=True)


def stored(name):
    """Tutorial `name` as committed, read fresh each time (tests may edit it)."""
    return normalise.read(NOTEBOOK_DIR / name)
