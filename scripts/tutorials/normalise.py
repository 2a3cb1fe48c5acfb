"""Puts an executed notebook in its deterministic stored form: no execution timestamps, a cell id on every
cell (never a random one), and widget model ids that depend only on the notebook and the order the widgets
appear in, in the outputs (application/vnd.jupyter.widget-view+json) and in the notebook-level widget state
that nbclient stores. Reading goes through from_dict so that nbformat never repairs a notebook with random
cell ids."""

import json
import re
import uuid

import nbformat
from nbformat.v4.rwbase import rejoin_lines

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# Fixed, so that a tutorial's widget ids are the same on every machine and every run.
WIDGET_ID_NAMESPACE = uuid.UUID("6d1c6f5e-3b59-4a8e-9d0b-6a61636c6162")


def read(path):
    """A notebook file as a NotebookNode, exactly as stored (no ids added, no upgrade beyond 4.x)."""
    with open(path, encoding="utf-8") as handle:
        return rejoin_lines(nbformat.from_dict(json.load(handle)))


def writes(notebook):
    """The stored text of a notebook: nbformat's own layout, with a final newline."""
    return nbformat.writes(notebook) + "\n"


def normalise(notebook, name):
    """Normalises `notebook` (the tutorial file `name`) in place and returns it."""
    stem = re.sub(r"[^a-zA-Z0-9-_]", "-", name.removesuffix(".ipynb"))[:40]
    if notebook.get("nbformat_minor", 0) < 5:
        notebook.nbformat_minor = 5
    seen = set()
    for index, cell in enumerate(notebook.cells):
        if not cell.get("id") or cell.id in seen:
            cell.id = f"{stem}-{index:03d}"
        seen.add(cell.id)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            for output in cell.outputs:
                output.pop("transient", None)
            cell.outputs = merge_streams(cell.outputs)
    rename_widgets(notebook, name)
    return notebook


def merge_streams(outputs):
    """Consecutive stream outputs of one name joined into one, as JupyterLab shows them: how the kernel
    batches its writes into stream messages depends on timing, what they say does not."""
    merged = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (
            last is not None
            and output.output_type == "stream"
            and last.output_type == "stream"
            and last.name == output.name
        ):
            last.text += output.text
        else:
            merged.append(output)
    return merged


def widget_ids(notebook):
    """The widget model ids of a notebook in an order that depends only on what they are: the views in the
    outputs in order, then the models their state refers to (IPY_MODEL_ references, depth first, keys in
    sorted order), then any other model in the state by its content. Never the order of the state's keys,
    which nbclient stores as the widgets were created and nbformat writes sorted."""
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    found = []

    def visit(model_id):
        if model_id in found:
            return
        found.append(model_id)
        for reference in references(state.get(model_id, {})):
            visit(reference)

    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if isinstance(view, dict) and isinstance(view.get("model_id"), str):
                visit(view["model_id"])
    content = {key: re.sub(r"IPY_MODEL_[^\"]+", "IPY_MODEL_", json.dumps(state[key], sort_keys=True)) for key in state}
    for model_id in sorted(state, key=content.get):
        visit(model_id)
    return found


def references(value):
    """The model ids that a widget's state refers to, in a fixed order."""
    if isinstance(value, str):
        return [value[len("IPY_MODEL_") :]] if value.startswith("IPY_MODEL_") else []
    if isinstance(value, list):
        return [ref for item in value for ref in references(item)]
    if isinstance(value, dict):
        return [ref for key in sorted(value) for ref in references(value[key])]
    return []


def rename_widgets(notebook, name):
    """Replaces every widget model id (and IPY_MODEL_ references to it) with one derived from `name`."""
    ids = widget_ids(notebook)
    if not ids:
        return
    renamed = {old: uuid.uuid5(WIDGET_ID_NAMESPACE, f"{name}/{index}").hex for index, old in enumerate(ids)}
    pattern = re.compile("|".join(re.escape(old) for old in sorted(renamed, key=len, reverse=True)))

    def rename(value):
        if isinstance(value, str):
            return pattern.sub(lambda match: renamed[match.group(0)], value)
        if isinstance(value, list):
            return [rename(item) for item in value]
        if isinstance(value, dict):
            return {rename(key): rename(item) for key, item in value.items()}
        return value

    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(rename(output)) for output in cell.outputs]
    if "widgets" in notebook.metadata:
        notebook.metadata.widgets = nbformat.from_dict(rename(notebook.metadata.widgets))
