"""Unit tests of the stored-output machinery on small hand-made notebooks (no kernel): deterministic cell
and widget ids, the MIME rules of the comparison, and its messages. Run by pytest from scripts/test.sh."""

import uuid

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from . import compare
from .normalise import normalise, writes

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"


def widget_notebook(slider_id, box_id):
    view = {"model_id": box_id, "version_major": 2, "version_minor": 0}
    cell = new_code_cell("new widgets.HBox([slider])", execution_count=1)
    cell.outputs = [new_output("display_data", data={VIEW: view, "text/plain": f"HBox(model_id={box_id!r})"})]
    cell.metadata.execution = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    state = {
        slider_id: {"model_name": "FloatSliderModel", "state": {"value": 1.5}},
        box_id: {"model_name": "HBoxModel", "state": {"children": [f"IPY_MODEL_{slider_id}"]}},
    }
    notebook = new_notebook(cells=[new_markdown_cell("# t"), cell])
    notebook.metadata.widgets = {STATE: {"state": state, "version_major": 2, "version_minor": 0}}
    for c in notebook.cells:
        del c["id"]
    return nbformat.from_dict(notebook)


def test_widget_ids_and_cell_ids_are_the_same_on_every_run():
    runs = [normalise(widget_notebook(uuid.uuid4().hex, uuid.uuid4().hex), "05-interactive.ipynb") for _ in "ab"]
    assert writes(runs[0]) == writes(runs[1])
    notebook = runs[0]
    assert [cell.id for cell in notebook.cells] == ["05-interactive-000", "05-interactive-001"]
    assert "execution" not in notebook.cells[1].metadata
    box = notebook.cells[1].outputs[0].data[VIEW]["model_id"]
    state = notebook.metadata.widgets[STATE]["state"]
    slider = next(key for key, value in state.items() if value["model_name"] == "FloatSliderModel")
    assert state[box]["state"]["children"] == [f"IPY_MODEL_{slider}"], "references follow the renamed ids"
    assert box in notebook.cells[1].outputs[0].data["text/plain"]
    nbformat.validate(notebook)


def test_widget_ids_do_not_depend_on_the_order_of_the_stored_state():
    created = widget_notebook("a" * 32, "b" * 32)
    state = created.metadata.widgets[STATE]
    reordered = widget_notebook("c" * 32, "d" * 32)
    reordered.metadata.widgets[STATE]["state"] = dict(reversed(list(reordered.metadata.widgets[STATE]["state"].items())))
    assert list(state["state"]) != [k.replace("c", "a").replace("d", "b") for k in reordered.metadata.widgets[STATE]["state"]]
    first, second = (normalise(nb, "05.ipynb") for nb in (created, reordered))
    assert first.metadata.widgets == second.metadata.widgets
    assert normalise(nbformat.reads(writes(first), as_version=4), "05.ipynb").metadata.widgets == first.metadata.widgets


def test_a_changed_widget_state_is_a_difference():
    stored = normalise(widget_notebook("a" * 32, "b" * 32), "05.ipynb")
    fresh = normalise(widget_notebook("c" * 32, "d" * 32), "05.ipynb")
    assert compare.differences(stored, fresh, "05.ipynb") == []
    next(iter(fresh.metadata.widgets[STATE]["state"].values()))["state"]["value"] = 2.5
    (problem,) = compare.differences(stored, fresh, "05.ipynb")
    assert problem.startswith("05.ipynb, notebook metadata (widget state): first difference at line"), problem


def test_ids_in_markup_are_renumbered_with_their_references():
    a = '<svg><g id="graph0"><path id="edge7" marker-end="url(#m3)"/><marker id="m3"/><use href="#edge7"/></g></svg>'
    b = a.replace("graph0", "g-x").replace("edge7", "e1").replace("m3", "arrow")
    assert compare.renumber_ids(a) == compare.renumber_ids(b)
    assert compare.markup_difference(a, b) is None
    assert compare.markup_difference(a, b.replace("<use", "<use x='1'")) is not None


def test_printed_numbers_have_a_tolerance_and_other_text_none():
    assert compare.text_difference("err = 1.0000000001e-3 after 4 steps", "err = 1e-3 after 4 steps", numbers=True) is None
    assert compare.text_difference("after 4 steps", "after 5 steps", numbers=True) is not None
    assert compare.text_difference("err = 1e-17", "err = 3e-17", numbers=True) is None, "both are zero to 1e-9"
    assert compare.text_difference("[1.5, 2]", "[1.5, 2.0000001]") is not None, "text/plain is exact"
    message = compare.text_difference("a\nb = 1\nc", "a\nb = 2\nc")
    assert message == "first difference at line 2, column 5: stored «b = 1», fresh «b = 2»", message


def test_a_timing_keeps_only_its_shape():
    assert compare.shape({"values": [{"x": 8, "y": 0.25}], "title": "t"}) == {
        "values": [{"x": "number", "y": "number"}],
        "title": "1 lines of text",
    }
    cell = new_code_cell("time it", metadata={"tags": ["timing"]})
    cell.outputs = [new_output("stream", name="stdout", text="3.1 ms\n")]
    other = new_code_cell("time it")
    other.outputs = [new_output("stream", name="stdout", text="4.7 ms\n")]
    assert compare.outputs_differences(cell, other) == []
    other.outputs[0].text = "4.7 ms\nand a second line\n"
    assert compare.outputs_differences(cell, other)


def test_stream_writes_split_by_timing_compare_equal_to_one_write():
    cell = new_code_cell("console.log(1); console.log(2)", execution_count=1)
    cell.outputs = [
        new_output("stream", name="stdout", text="1\n"),
        new_output("stream", name="stdout", text="2\n"),
        new_output("stream", name="stderr", text="warn\n"),
        new_output("stream", name="stdout", text="3\n"),
    ]
    merged = normalise(nbformat.from_dict(new_notebook(cells=[cell])), "02.ipynb").cells[0].outputs
    assert [(o.name, o.text) for o in merged] == [("stdout", "1\n2\n"), ("stderr", "warn\n"), ("stdout", "3\n")]


def test_widget_state_in_a_page_script_keeps_its_markup():
    import json
    from html import escape

    from .__main__ import json_for_script

    state = {"value": '<svg width="3"><circle/></svg> & </script>'}
    text = json_for_script(state)
    # What nbconvert 6 does next, and what the page's JSON.parse(script.innerHTML) then reads.
    shown = escape(text, quote=False)
    assert "</script>" not in shown
    assert json.loads(shown) == state
