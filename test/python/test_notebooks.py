"""Executes every tutorial notebook in notebooks/ through the real jaclab kernel (nbclient) and checks that no
cell fails and that the outputs each tutorial is about are there: the original question's rows of [10, 18],
the one-pass fixes, the graph diagram as SVG, heatmaps as HTML, a large Jacobian as PNG, the progress bar and
the chart. The tutorials are the notebooks named by the rule notebooks/NN-*.ipynb; the executions are shared with the
reproduction check (tutorial_runs.py)."""

import base64
import json
import pathlib
import re
import struct

import nbformat
import pytest

from tutorial_runs import NOTEBOOK_DIR, ROOT, TUTORIALS, catalogue, executed, normalise


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def cell_with(notebook, snippet):
    """The one code cell whose source contains `snippet`."""
    matches = [cell for cell in code_cells(notebook) if snippet in cell.source]
    assert len(matches) == 1, f"expected one code cell containing {snippet!r}, found {len(matches)}"
    return matches[0]


def stdout_of(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def bundles_of(cell):
    """The MIME bundles a cell displayed (display_data, updated in place, and execute_result)."""
    return [o.data for o in cell.outputs if o.output_type in ("display_data", "execute_result")]


def with_mime(cell, mime):
    found = [bundle[mime] for bundle in bundles_of(cell) if mime in bundle]
    assert found, f"no {mime} output in the cell:\n{cell.source}\noutputs: {describe(cell.outputs)}"
    return found


def describe(outputs):
    return json.dumps(
        [{k: (sorted(v) if k == "data" else v) for k, v in o.items() if k != "metadata"} for o in outputs],
        indent=1,
    )[:3000]


def numbers_after(label, text):
    """The JSON value printed after `label` on one line, e.g. `one grad call: [[10,18],...]`."""
    match = re.search(re.escape(label) + r"[^\[\n]*(\[[^\n]*\])", text)
    assert match, f"no line with {label!r} followed by a JSON array in:\n{text}"
    return json.loads(match.group(1))


def max_difference(label, text):
    match = re.search(re.escape(label) + r"\s*([-+0-9.eE]+|NaN)", text)
    assert match, f"no {label!r} followed by a number in:\n{text}"
    return float(match.group(1))


JACOBIAN_OF_THE_QUESTION = [[2, 0], [0, 2], [8, 0], [0, 16]]


def test_the_tutorials_exist():
    assert {
        "01-the-original-question.ipynb",
        "02-jacobians-and-hessians.ipynb",
        "03-seeing-derivatives.ipynb",
        "04-sparse-jacobians.ipynb",
        "05-interactive.ipynb",
    } <= set(TUTORIALS)


@pytest.mark.parametrize("name", TUTORIALS)
def test_notebook_runs_top_to_bottom_without_errors(name):
    notebook = executed(name)
    failures = [
        f"cell {index}:\n{cell.source}\n-> {o.get('ename')}: {o.get('evalue')}"
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        for o in cell.outputs
        if o.output_type == "error"
    ]
    assert not failures, "\n\n".join(failures)
    not_run = [cell.source for cell in code_cells(notebook) if cell.execution_count is None]
    assert not not_run, f"cells that did not run: {not_run}"


@pytest.mark.parametrize("name", TUTORIALS)
def test_notebook_metadata_names_the_jaclab_kernel(name):
    notebook = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    nbformat.validate(notebook)
    spec = notebook.metadata.kernelspec
    assert (spec.name, spec.display_name, spec.language) == ("jaclab", "TypeScript (jaclab)", "typescript")


@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial_is_stored_executed_in_its_normalised_form(name):
    text = (NOTEBOOK_DIR / name).read_text(encoding="utf-8")
    notebook = normalise.read(NOTEBOOK_DIR / name)
    not_run = [cell.source for cell in code_cells(notebook) if cell.execution_count is None]
    assert not not_run, f"{name} has cells stored without outputs; run `npm run notebooks`: {not_run}"
    assert normalise.writes(normalise.normalise(notebook, name)) == text, (
        f"{name} is not in the form `npm run notebooks` writes (execution timestamps, random ids?)"
    )


@pytest.mark.parametrize("name", TUTORIALS)
def test_stored_outputs_hold_no_absolute_paths(name):
    texts = [
        (index, value if isinstance(value, str) else json.dumps(value))
        for index, cell in enumerate(code_cells(normalise.read(NOTEBOOK_DIR / name)))
        for output in cell.outputs
        for mime, value in [("text", output.get("text", ""))] + sorted(output.get("data", {}).items())
        if mime != "image/png"  # base64 may spell anything
    ]
    texts = [(index, re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text)) for index, text in texts]
    for path in {str(ROOT), str(pathlib.Path.home()), "/tmp/"}:
        found = [index for index, text in texts if path in text]
        assert not found, f"{name} stores the path {path} in the outputs of code cells {found}"


def test_only_tutorials_by_the_naming_rule_are_tutorials(tmp_path):
    for file in ["01-first.ipynb", "12-sparse-jacobians.ipynb", "Untitled.ipynb", "scratch.ipynb", "1-short.ipynb"]:
        (tmp_path / file).write_text("{}")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "01-first-checkpoint.ipynb").write_text("{}")
    assert [path.name for path in catalogue.tutorials(tmp_path)] == ["01-first.ipynb", "12-sparse-jacobians.ipynb"]


class TestTheOriginalQuestion:
    notebook = property(lambda self: executed("01-the-original-question.ipynb"))

    def test_one_grad_call_sums_the_rows_into_10_18(self):
        cell = cell_with(self.notebook, "autograd.grad(slices, [q, q, q, q]")
        assert numbers_after("one grad call:", stdout_of(cell)) == [[10, 18]] * 4
        with_mime(cell, "text/html")

    def test_the_backward_diagram_is_an_svg_graph(self):
        cell = cell_with(self.notebook, "graph(slices, { backward: true })")
        (svg,) = with_mime(cell, "image/svg+xml")
        assert "<svg" in svg and svg.count('class="node"') >= 4, svg[:500]

    def test_the_loop_takes_four_backward_passes(self):
        out = stdout_of(cell_with(self.notebook, "const loop = countPasses"))
        assert re.search(r"loop: 4 backward passes", out), out
        assert numbers_after("loop:", out) == JACOBIAN_OF_THE_QUESTION

    def test_is_grads_batched_takes_one_backward_pass(self):
        out = stdout_of(cell_with(self.notebook, "isGradsBatched: true"))
        assert re.search(r"isGradsBatched: 1 backward pass\b", out), out
        assert numbers_after("isGradsBatched:", out) == JACOBIAN_OF_THE_QUESTION

    def test_the_transforms_agree_with_one_pass_each(self):
        out = stdout_of(cell_with(self.notebook, "console.table("))
        expected_j = json.dumps(JACOBIAN_OF_THE_QUESTION, separators=(",", ":"))
        passes = {}
        for line in out.splitlines():
            cells = [c.strip() for c in line.strip("│ ").split("│")]
            if len(cells) == 4 and cells[1].isdigit():
                name, forward, backward, jacobian = cells
                assert expected_j in jacobian, f"{name} gave {jacobian}"
                passes[name] = (int(forward), int(backward))
        assert set(passes) == {"loop", "isGradsBatched", "jacrev", "jacfwd", "jacobian (auto)"}, out
        assert passes["loop"][1] == 4, out
        assert passes["isGradsBatched"][1] == 1 and passes["jacrev"] == (1, 1) and passes["jacfwd"] == (1, 0), out
        assert passes["jacobian (auto)"][1] == 0, f"auto should choose forward mode for 2 inputs, 4 outputs: {out}"

    def test_show_jacobian_names_rows_and_columns(self):
        (html,) = with_mime(cell_with(self.notebook, "showJacobian(viaJacobian.value"), "text/html")
        assert "<table" in html and "x2 = 4q0²" in html and "q1" in html


class TestJacobiansAndHessians:
    notebook = property(lambda self: executed("02-jacobians-and-hessians.ipynb"))

    def test_jacrev_and_jacfwd_agree(self):
        out = stdout_of(cell_with(self.notebook, "max |jacrev - jacfwd|"))
        assert max_difference("max |jacrev - jacfwd| =", out) < 1e-12
        assert max_difference("max |jacrev - auto| =", out) < 1e-12

    def test_chunking_changes_passes_not_values(self):
        out = stdout_of(cell_with(self.notebook, "chunkSize: 1"))
        assert max_difference("max difference", out) < 1e-12
        match = re.search(r"chunkSize 1: (\d+) backward passes?; no chunks: (\d+);", out)
        assert match, out
        chunked, whole = int(match.group(1)), int(match.group(2))
        assert (chunked, whole) == (3, 1), f"R^300 -> R^3 in chunks of 1 cotangent should take 3 passes, else 1: {out}"

    def test_per_sample_jacobians_show_as_a_grid(self):
        cell = cell_with(self.notebook, "vmap(jacrev(layer))")
        (html,) = with_mime(cell, "text/html")
        assert html.count("<table") >= 6 or "<img" in html, "expected one heatmap per sample"
        assert "shape=[6, 2, 3]" in with_mime(cell, "text/plain")[0]
        assert max_difference("max difference:", stdout_of(cell_with(self.notebook, "batch.index(3)"))) < 1e-12

    def test_rosenbrock_hessian_at_the_minimum(self):
        (text,) = with_mime(cell_with(self.notebook, "hessian(rosenbrock)(tensor([1, 1]))"), "text/plain")
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", text.split("shape")[0])]
        for expected in (802, -400, 200):
            assert expected in numbers, text

    def test_second_derivatives_agree(self):
        out = stdout_of(cell_with(self.notebook, "jacfwd(jacrev(rosenbrock))"))
        assert max_difference("max |hessian - jacfwd(jacrev)| =", out) < 1e-9
        out = stdout_of(cell_with(self.notebook, "createGraph: true"))
        assert max_difference("max |Hessian via createGraph - hessian()| =", out) < 1e-9


class TestSeeingDerivatives:
    notebook = property(lambda self: executed("03-seeing-derivatives.ipynb"))

    def test_a_tensor_shows_as_a_heatmap_table(self):
        (html,) = with_mime(cell_with(self.notebook, "softmax(v, 0)"), "text/html")
        assert "<table" in html and "background" in html

    def test_show_jacobian_labels_and_latex(self):
        (html,) = with_mime(cell_with(self.notebook, 'colLabels: ["r", "θ"], title'), "text/html")
        assert "θ" in html and "∂" in html
        cell = cell_with(self.notebook, 'formats: ["text/latex"]')
        (latex,) = with_mime(cell, "text/latex")
        assert re.search(r"\\begin\{(bmatrix|array)\}", latex) and "θ" in latex and "0.866" in latex, latex
        assert all("text/html" not in bundle for bundle in bundles_of(cell)), "formats should leave out the heatmap"

    def test_a_large_jacobian_shows_as_png(self):
        bundle = bundles_of(cell_with(self.notebook, "const Jstep"))[-1]
        embedded = re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", bundle.get("text/html", ""))
        encoded = bundle.get("image/png") or (embedded and embedded.group(1))
        assert encoded, f"no PNG in the bundle of the 96x96 Jacobian: {sorted(bundle)}"
        png = base64.b64decode(encoded)
        assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
        width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk comes first
        assert min(width, height) >= 96, f"a 96x96 heatmap drawn at {width}x{height} pixels"

    def test_graph_of_a_function_with_highlight(self):
        (svg,) = with_mime(cell_with(self.notebook, "graph(model,"), "image/svg+xml")
        assert svg.count('class="node"') >= 8 and ">y0<" in svg and ">y1<" in svg, svg[:1000]

    def test_the_progress_bar_finishes(self):
        cell = cell_with(self.notebook, "progress: true")
        html = " ".join(with_mime(cell, "text/html"))
        assert "done in" in html and "400/400 100%" in html, html[:1000]
        assert re.fullmatch(r"\[\s*400,\s*400\s*\]", with_mime(cell, "text/plain")[-1]), "Jbig.shape"

    def test_the_timing_chart_has_vega_lite_and_svg(self):
        cell = cell_with(self.notebook, "plot.line(")
        spec = with_mime(cell, "application/vnd.vegalite.v5+json")[0]
        points = spec["data"]["values"]
        assert {p["series"] for p in points} == {"jacrev", "jacfwd"} and len(points) == 8, points
        assert all(p["y"] > 0 for p in points), "timings are positive"
        assert "<svg" in with_mime(cell, "image/svg+xml")[0]


class TestInteractive:
    notebook = property(lambda self: executed("05-interactive.ipynb"))

    def test_the_arm_jacobian_determinant_is_l1_l2_sin_theta2(self):
        text = stdout_of(cell_with(self.notebook, "const J0 = jacrev(hand)"))
        found = re.search(r"det J = (-?[\d.]+)\s+l1·l2·sin\(θ2\) = (-?[\d.]+)", text)
        assert found and found.group(1) == found.group(2), text

    def test_the_sliders_show_as_a_widget_view_with_a_text_fallback(self):
        cell = cell_with(self.notebook, "const theta1 = new widgets.FloatSlider")
        (view,) = with_mime(cell, "application/vnd.jupyter.widget-view+json")
        assert view["version_major"] == 2 and len(view["model_id"]) >= 16
        assert with_mime(cell, "text/plain")[0].startswith("VBox(")

    def test_the_kernel_reads_the_slider_values(self):
        assert "kernel side: θ1 = 0.60, θ2 = 1.20" in stdout_of(cell_with(self.notebook, "kernel side:"))

    def test_interact_follows_a_change_made_from_code(self):
        assert with_mime(cell_with(self.notebook, "const ui = interact("), "application/vnd.jupyter.widget-view+json")
        (html,) = with_mime(cell_with(self.notebook, "ui.controls.q0.value = 1.5"), "text/html")
        assert ">12<" in html and "jacrev, q = [1.5, 1]" in html, html[:1500]


class TestSparseJacobians:
    notebook = property(lambda self: executed("04-sparse-jacobians.ipynb"))

    def test_the_question_needs_one_colour_and_one_forward_pass(self):
        assert "1 colour for 2 columns" in stdout_of(cell_with(self.notebook, "const c = coloring(pattern"))
        out = stdout_of(cell_with(self.notebook, "countPasses(() => sparseJacobian(f, q"))
        assert "J·(1, 1) = [2,2,8,16]" in out, out
        assert "sparseJacobian: 1 forward pass, 0 backward passes" in out, out
        assert numbers_after("one pass gives:", out) == JACOBIAN_OF_THE_QUESTION

    def test_the_colouring_diagrams_are_svg_graphs(self):
        (svg,) = with_mime(cell_with(self.notebook, "showColoring(pattern, c"), "image/svg+xml")
        assert "<svg" in svg and "q0" in svg and "x3 = 4q1²" in svg, svg[:500]
        (svg,) = with_mime(cell_with(self.notebook, "showColoring(tri"), "image/svg+xml")
        assert svg.count('class="node"') == 7 + 9, svg[:500]

    def test_the_brusselator_has_12_n_squared_nonzeros_and_a_spy_plot(self):
        cell = cell_with(self.notebook, "const P = sparsity(rhs, u0)")
        assert "nonzeros: 3072 = 12·N² = 3072" in stdout_of(cell)
        (png,) = with_mime(cell, "image/png")
        assert base64.b64decode(png)[:8] == b"\x89PNG\r\n\x1a\n"

    def test_the_brusselator_colouring_and_the_sparse_jacobian(self):
        (text,) = with_mime(cell_with(self.notebook, 'ordering: "best" });\nC'), "text/plain")
        colours = int(re.search(r"(\d+) colours", text).group(1))
        assert 6 <= colours <= 8, text
        out = stdout_of(cell_with(self.notebook, "const plan = prepareSparseJacobian(rhs"))
        assert max_difference("max |sparse - dense| / max |dense| =", out) < 1e-12
        assert f"{colours} colours (forward mode" in out, out

    def test_the_timing_chart_has_the_dense_and_sparse_series(self):
        cell = cell_with(self.notebook, "plot.line(")
        assert "timing" in cell.metadata.get("tags", []), "timing cells are tagged"
        points = with_mime(cell, "application/vnd.vegalite.v5+json")[0]["data"]["values"]
        assert {p["series"] for p in points} == {"dense jacrev", "dense jacfwd", "sparse plan"}, points
        assert len(points) == 15 and all(p["y"] > 0 for p in points)

    def test_newton_converges_quadratically(self):
        out = stdout_of(cell_with(self.notebook, "const newtonPlan"))
        residuals = [float(r) for r in out.split(":")[-1].split(",")]
        assert residuals[-1] < 1e-10 and len(residuals) <= 6, out
        assert all(b < a for a, b in zip(residuals, residuals[1:])), out

    def test_rosenbrock_hessian_is_tridiagonal_with_three_colours(self):
        out = stdout_of(cell_with(self.notebook, "const Hp = hessianSparsity"))
        assert "298 nonzeros (tridiagonal: 298); star colouring: 3 colours" in out, out
        out = stdout_of(cell_with(self.notebook, "const hessianPlan"))
        assert out.startswith("3 Hessian-vector products in one batched pass"), out
        assert max_difference("max |sparse - dense| / max |dense| =", out) < 1e-12

    def test_global_detection_refuses_a_branch_and_local_follows_it(self):
        out = stdout_of(cell_with(self.notebook, "sparsity(branchy, tensor([1, 2, 3]));"))
        assert "TracerError: sparsity: item()" in out and "{ local: true }" in out, out
        cell = cell_with(self.notebook, "const clipped")
        assert "global: 5 nonzeros; local: 3 nonzeros" in stdout_of(cell)
        (text,) = with_mime(cell, "text/plain")
        assert text.startswith("SparsityPattern 2×3 · 2 nonzeros"), text
