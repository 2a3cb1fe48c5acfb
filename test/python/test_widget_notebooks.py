"""Notebooks with widgets executed by nbclient, the client behind nbconvert --execute, papermill and our tutorial
runs: a cell that captures output into an Output widget must not leave the next cell waiting for the client's
timeout."""

import asyncio
import time

import nbformat
from nbclient import NotebookClient
from nbclient.output_widget import OutputWidget

from kernels import KERNEL_NAME

# Far above what these cells take (a second or two), far below a hang.
HANG_S = 60


class BusyOutputWidget(OutputWidget):
    """nbclient's stand-in for a frontend's Output widget, slowed down where the race lies.

    For each output diverted into it by msg_id, it sends a comm_msg on shell from its iopub handler, through a
    blocking shadow of the asyncio socket (jupyter_client's Session.send). A reply that reaches the shell socket
    meanwhile loses its wake-up to that send (ZeroMQ's edge-triggered descriptor), and nbclient's wait for the
    execute_reply sleeps until its own timeout (forever with timeout=None). The pause, with a cell that answers
    a moment after its captured output, makes the reply arrive meanwhile every time (instead of in 2 runs out
    of 8 of tutorial 05, where it was first seen)."""

    def _publish_msg(self, *args, **kwargs):
        time.sleep(1.0)
        super()._publish_msg(*args, **kwargs)


def run_notebook(cells, directory, monkeypatch):
    monkeypatch.setenv("JACLAB_HISTORY_DIR", str(directory / "history"))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    client = NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=None, startup_timeout=60,
                            resources={"metadata": {"path": str(directory)}})
    client.widget_registry = {"@jupyter-widgets/output": {"OutputModel": BusyOutputWidget}}

    async def execute():
        task = asyncio.ensure_future(client.async_execute())
        done, _ = await asyncio.wait([task], timeout=HANG_S)
        if not done:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            raise AssertionError(f"the notebook did not finish within {HANG_S} s: nbclient missed a cell's execute_reply")
        task.result()

    asyncio.run(execute())
    return nb, client


def test_a_cell_after_a_widget_cell_completes_without_waiting(tmp_path, monkeypatch):
    cells = [
        "const out = new widgets.Output();\nout",
        # The reply comes 0.3 s after the captured output, while the client's Output still handles it.
        'out.capture(() => { console.log("captured"); display(tensor([1, 2])); });\n'
        "for (const until = Date.now() + 300; Date.now() < until; );",
        "const after = 1 + 1;\nafter",
        'out.capture(() => console.log("again"), { clear: true, wait: true });\nafter + 1',
    ]
    nb, client = run_notebook(cells, tmp_path, monkeypatch)
    assert nb.cells[2].outputs[0]["data"]["text/plain"] == "2"
    assert nb.cells[3].outputs[-1]["data"]["text/plain"] == "3"
    # What the Output caught is its state (kept by nbclient in the notebook), not the cells' outputs.
    assert not nb.cells[1].outputs
    [output_state] = [s for s in client.widget_state.values() if s.get("_model_name") == "OutputModel"]
    assert output_state["outputs"] == [{"output_type": "stream", "name": "stdout", "text": "again\n"}]
