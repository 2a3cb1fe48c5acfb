"""What a new user meets first, through a real client: completion lists the public API with signatures,
inspect never fails on the cursor JupyterLab sends, tensors print one way everywhere, and the heatmaps,
captions and LaTeX read like the numbers they show."""

import html
import re

import pytest

from kernels import iopub_until_idle, result_data, running_kernel, shell_reply

TIMEOUT = 30


@pytest.fixture(scope="module")
def kc(tmp_path_factory):
    with running_kernel(tmp_path_factory.mktemp("jaclab-new-user")) as (_, client):
        yield client


def result(kc, code):
    """The data of a cell's execute_result."""
    msg_id = kc.execute(code)
    reply = shell_reply(kc, msg_id)
    assert reply["status"] == "ok", reply
    return result_data(iopub_until_idle(kc, msg_id))


def test_tab_on_a_tensor_lists_its_public_api_and_no_private_internals(kc):
    result(kc, "const t = tensor([1, 2]);")
    code = "t."
    reply = shell_reply(kc, kc.complete(code, len(code)))
    assert reply["status"] == "ok"
    assert "abs" in reply["matches"] and "add" in reply["matches"]
    assert [m for m in reply["matches"] if m.startswith("_")] == []
    # Typing the underscore asks for them.
    typed = shell_reply(kc, kc.complete("t._da", 5))
    assert typed["matches"] == ["_data"]


def test_completions_carry_their_kind_and_signature_as_ipykernel_sends_them(kc):
    code = "t.ma"
    reply = shell_reply(kc, kc.complete(code, len(code)))
    items = reply["metadata"]["_jupyter_types_experimental"]
    assert [item["text"] for item in items] == reply["matches"]
    matmul = next(item for item in items if item["text"] == "matmul")
    signature = matmul.pop("signature")
    assert matmul == {"start": 2, "end": 4, "text": "matmul", "type": "function"}
    assert re.fullmatch(r"\(u: \w+\): Tensor", signature), signature


def test_inspect_with_the_cursor_one_past_the_end_answers_as_jupyterlab_expects(kc):
    code = "jacobian"
    reply = shell_reply(kc, kc.inspect(code, len(code) + 1))
    assert reply["status"] == "ok", reply
    assert reply["found"] is True
    assert "jacobian" in reply["data"]["text/plain"]
    far = shell_reply(kc, kc.complete("Math.fl", 99))
    assert far["status"] == "ok" and "floor" in far["matches"]


def test_a_tensor_prints_the_same_in_its_string_and_in_the_notebook(kc):
    text = result(kc, "tensor([0.001, 10])")["text/plain"]
    assert text == "tensor([1.0000e-03, 1.0000e+01], shape=[2])"
    string = result(kc, "String(tensor([0.001, 10]))")["text/plain"]
    assert string == "'tensor([1.0000e-03, 1.0000e+01])'"


def cells_of(table_html):
    """(title, text) of each value cell of a heatmap table."""
    return [(html.unescape(title), text) for title, text in
            re.findall(r'<td title="([^"]*)" style="[^"]*">([^<]*)</td>', table_html)]


def test_the_summarised_table_under_a_large_heatmap_shows_its_numbers(kc):
    data = result(kc, "rand([100, 100], { seed: 1 })")
    assert "image/png" in data
    table = data["text/html"].split("<details>", 1)[1]
    shown = cells_of(table)
    assert len(shown) == 16 * 16
    assert all(re.fullmatch(r"0\.\d+", text) for _, text in shown), shown[:5]


def test_one_number_format_per_matrix_and_a_caption_that_reads_like_the_cells(kc):
    data = result(kc, "tensor([[1459.25, 3], [12, 0.5]])")
    texts = [text for _, text in cells_of(data["text/html"])]
    assert texts == ["1459.25", "3.00", "12.00", "0.50"]
    assert "max 1459.25" in data["text/html"] and "min 0.50" in data["text/html"]
    assert data["text/latex"] == "$$\\begin{bmatrix} 1459.25 & 3.00 \\\\ 12.00 & 0.50 \\end{bmatrix}$$"
    whole = result(kc, "tensor([[1459, 3], [12, 1]])")
    assert [text for _, text in cells_of(whole["text/html"])] == ["1459", "3", "12", "1"]


def test_show_jacobian_puts_the_names_outside_the_brackets(kc):
    data = result(kc, 'showJacobian(tensor([[2, 0], [0, 16]]), { rowLabels: ["x0", "x1"], colLabels: ["q0", "q1"] })')
    latex = data["text/latex"]
    inside = latex[latex.index("\\left["):latex.index("\\right]")]
    for name in ("x0", "x1", "q0", "q1"):
        assert f"\\mathrm{{{name}}}" in latex
        assert f"\\llap{{\\mathrm{{{name}}}}}" not in inside and f"\\strut \\mathrm{{{name}}}" not in inside
    assert "\\strut 0 & 16" in inside
