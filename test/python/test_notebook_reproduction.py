"""The reproduction check: every tutorial, re-executed in a temporary copy (the same execution the notebook
tests use), shows exactly what is stored in it, by the rules of scripts/tutorials/compare.py. And the check is
real: a stored output edited by hand (a number, a line of the diagram, a pixel, a timing's shape) makes it
fail with a message naming the notebook, the cell and the first differing line."""

import base64
import copy
import re
import zlib

import pytest

from tutorial_runs import TUTORIALS, compare, executed, stored

SEEING = "03-seeing-derivatives.ipynb"
QUESTION = "01-the-original-question.ipynb"


@pytest.mark.parametrize("name", TUTORIALS)
def test_stored_outputs_reproduce(name):
    problems = compare.differences(stored(name), executed(name), f"notebooks/{name}")
    assert not problems, "a fresh run differs from the stored outputs (run `npm run notebooks` if intended):\n" + (
        "\n".join(problems)
    )


def cell_index(notebook, snippet):
    (index,) = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code" and snippet in cell.source]
    return index


def output_with(cell, mime):
    return next(output for output in cell.outputs if mime in output.get("data", {}))


def only_problem(edited, name):
    problems = compare.differences(edited, executed(name), f"notebooks/{name}")
    assert len(problems) == 1, problems
    return problems[0]


def test_a_hand_edited_number_in_a_text_output_fails_naming_notebook_cell_and_line():
    notebook = stored(QUESTION)
    index = cell_index(notebook, "const J1 = stack")
    output = output_with(notebook.cells[index], "text/plain")
    assert "10" in output.data["text/plain"]
    output.data["text/plain"] = output.data["text/plain"].replace("10", "11", 1)
    problem = only_problem(notebook, QUESTION)
    assert problem.startswith(f"notebooks/{QUESTION}, cell {index} («const slices"), problem
    assert "(text/plain): first difference at line 1" in problem and "11" in problem, problem


def test_a_hand_edited_printed_number_fails_beyond_the_tolerance_and_passes_within_it():
    notebook = stored("02-jacobians-and-hessians.ipynb")
    index = cell_index(notebook, "max |jacrev - jacfwd|")
    stream = notebook.cells[index].outputs[0]
    label = re.compile(r"(max \|jacrev - jacfwd\| = )(\S+)")
    number = float(label.search(stream.text).group(2))
    within = copy.deepcopy(notebook)
    within.cells[index].outputs[0].text = label.sub(lambda m: m.group(1) + repr(number + 1e-12), stream.text)
    assert not compare.differences(within, executed("02-jacobians-and-hessians.ipynb"), "02")
    stream.text = label.sub(lambda m: m.group(1) + "0.001", stream.text)
    problem = only_problem(notebook, "02-jacobians-and-hessians.ipynb")
    assert f"cell {index} " in problem and "(stdout): first difference at line 1" in problem, problem


def test_a_hand_edited_diagram_fails_but_renumbered_ids_do_not():
    notebook = stored(QUESTION)
    index = cell_index(notebook, "graph(slices")
    output = output_with(notebook.cells[index], "image/svg+xml")
    svg = output.data["image/svg+xml"]
    renumbered = re.sub(r'id="node(\d+)"', lambda m: f'id="n-{m.group(1)}"', svg)
    assert renumbered != svg
    output.data["image/svg+xml"] = renumbered
    assert not compare.differences(notebook, executed(QUESTION), QUESTION), "ids alone must not count"
    label = re.search(r">(mul|narrow|cat)<", svg).group(1)
    output.data["image/svg+xml"] = svg.replace(f">{label}<", ">add<", 1)
    problem = only_problem(notebook, QUESTION)
    assert f"cell {index} " in problem and "(image/svg+xml): first difference at line" in problem, problem
    assert "«" in problem and "add" in problem, problem


def encode_rgba(width, height, rows):
    """A PNG (RGBA, unfiltered) of decoded pixel rows, as base64: a hand edit of the picture."""

    def chunk(kind, body):
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 6, 0, 0, 0])
    raw = b"".join(b"\x00" + row for row in rows)
    png = compare.png.SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode()


def repaint(png_base64, red):
    """The PNG with its first pixel's red channel set to `red`."""
    width, height, rows = compare.png.decode(base64.b64decode(png_base64))
    rows[0] = bytes([red]) + rows[0][1:]
    return encode_rgba(width, height, rows)


def test_a_hand_edited_pixel_fails_and_a_slight_shade_does_not():
    notebook = stored(SEEING)
    index = cell_index(notebook, "const Jstep")
    output = output_with(notebook.cells[index], "image/png")
    original = output.data["image/png"]
    red = compare.png.decode(base64.b64decode(original))[2][0][0]
    assert compare.pixel_difference(original, repaint(original, red)) is None, "re-encoded, same pixels"
    output.data["image/png"] = repaint(original, red ^ 1)
    assert compare.pixel_difference(original, output.data["image/png"]) is None, "within the tolerance"
    output.data["image/png"] = repaint(original, (red + 128) % 256)
    problems = compare.differences(notebook, executed(SEEING), SEEING)
    assert any(f"cell {index} " in p and "(image/png): 1 pixels differ" in p and "pixel 1" in p for p in problems), (
        problems
    )


def test_timing_cells_compare_by_shape_only():
    notebook = stored(SEEING)
    index = cell_index(notebook, "plot.line(")
    cell = notebook.cells[index]
    assert "timing" in cell.metadata.tags and cell.metadata.jaclab.measured_on
    spec = output_with(cell, "application/vnd.vegalite.v5+json").data["application/vnd.vegalite.v5+json"]
    for point in spec["data"]["values"]:
        point["y"] *= 3
    assert not compare.differences(notebook, executed(SEEING), SEEING), "other numbers are a timing too"
    spec["data"]["values"].pop()
    problem = only_problem(notebook, SEEING)
    assert f"cell {index} " in problem and "application/vnd.vegalite.v5+json" in problem, problem


def test_a_removed_output_fails():
    notebook = stored(QUESTION)
    index = cell_index(notebook, "showJacobian(")
    notebook.cells[index].outputs = []
    problem = only_problem(notebook, QUESTION)
    assert f"cell {index} " in problem and "stored outputs []" in problem, problem
