"""Compares a fresh execution of a tutorial with its stored outputs, MIME type by MIME type:
- text/plain, text/latex, text/markdown, JSON (application/json, *+json, widget views): exactly;
- printed text (stdout, stderr): exactly, except that numbers may differ within NUMBER_TOLERANCE;
- SVG and HTML: exactly after renumbering their element ids (and the references to them) in order of
  appearance, with PNG images embedded as data: URIs compared by pixels;
- PNG: by decoded pixels, each channel within PIXEL_TOLERANCE levels;
- cells tagged `timing`: only the kinds of outputs, their MIME types and their shape (lines of text, the
  structure of JSON), since the numbers are measurements.
Every difference names the notebook, the cell, the output and the first differing line."""

import base64
import json
import math
import re

from . import png

TIMING_TAG = "timing"
NUMBER_TOLERANCE = {"relative": 1e-6, "absolute": 1e-9}
PIXEL_TOLERANCE = 3
MARKUP = {"text/html", "image/svg+xml"}
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
ID_DEFINITION = re.compile(r"""\bid=["']([^"']+)["']""")
ID_USE = re.compile(r"""(\bid=["']|\bhref=["']#|url\(#)([^"')]+)""")
DATA_PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=\s]+)")


def differences(stored, fresh, name):
    """Every difference between two versions of notebook `name`; empty when the fresh run reproduces it."""
    problems = []
    if len(stored.cells) != len(fresh.cells):
        problems.append(f"{name}: {len(stored.cells)} cells stored, {len(fresh.cells)} in the fresh run")
    for index, (old, new) in enumerate(zip(stored.cells, fresh.cells)):
        where = f"{name}, cell {index} ({first_line(old.source)})"
        if old.source != new.source or old.cell_type != new.cell_type:
            problems.append(f"{where}: the cell itself differs")
        elif old.cell_type == "code":
            problems += [f"{where}: {problem}" for problem in outputs_differences(old, new)]
    old_widgets, new_widgets = (nb.metadata.get("widgets", {}) for nb in (stored, fresh))
    problem = json_difference(old_widgets, new_widgets)
    if problem:
        problems.append(f"{name}, notebook metadata (widget state): {problem}")
    return problems


def is_timing(cell):
    return TIMING_TAG in cell.get("metadata", {}).get("tags", [])


def outputs_differences(stored_cell, fresh_cell):
    """The differences between the outputs of one code cell in two runs."""
    timing = is_timing(stored_cell)
    stored, fresh = stored_cell.get("outputs", []), fresh_cell.get("outputs", [])
    kinds = [kind(output) for output in stored], [kind(output) for output in fresh]
    if kinds[0] != kinds[1]:
        return [f"stored outputs {kinds[0]}, fresh outputs {kinds[1]}"]
    problems = []
    for index, (old, new) in enumerate(zip(stored, fresh)):
        for problem in output_differences(old, new, timing):
            problems.append(f"output {index} {problem}")
    return problems


def kind(output):
    """What an output is, for messages and for the timing cells' shape: its type, stream name, MIME types."""
    if output.output_type == "stream":
        return f"stream {output.name}"
    if output.output_type == "error":
        return "error"
    return f"{output.output_type} {sorted(output.get('data', {}))}"


def output_differences(old, new, timing):
    if old.output_type == "stream":
        problem = (shape_difference if timing else text_difference)(old.text, new.text, numbers=True)
        return [f"({old.name}): {problem}"] if problem else []
    if old.output_type == "error":
        same = (old.ename, old.evalue) == (new.ename, new.evalue)
        return [] if same else [f"(error): stored {old.ename}: {old.evalue}, fresh {new.ename}: {new.evalue}"]
    problems = []
    for mime in sorted(old.get("data", {})):
        problem = value_difference(mime, old.data[mime], new.data[mime], timing)
        if problem:
            problems.append(f"({mime}): {problem}")
    if not timing:
        problem = json_difference(old.get("metadata", {}), new.get("metadata", {}))
        if problem:
            problems.append(f"(metadata): {problem}")
    return problems


def value_difference(mime, old, new, timing):
    """Why two values of one MIME type differ, or None."""
    if timing:
        if mime in MARKUP or mime.startswith("image/"):
            return None
        return shape_difference(old, new)
    if mime == "image/png":
        return pixel_difference(old, new)
    if mime in MARKUP:
        return markup_difference(as_text(old), as_text(new))
    if not isinstance(old, str) or mime.endswith("json"):
        return json_difference(old, new)
    return text_difference(as_text(old), as_text(new))


def as_text(value):
    return "".join(value) if isinstance(value, list) else value


def text_difference(old, new, numbers=False):
    """Where two texts first differ (line, column and what each has there), or None."""
    old, new = as_text(old), as_text(new)
    if old == new:
        return None
    old_lines, new_lines = old.split("\n"), new.split("\n")
    for number, (a, b) in enumerate(zip(old_lines, new_lines), start=1):
        if a != b and not (numbers and same_but_numbers(a, b)):
            column = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            return f"first difference at line {number}, column {column + 1}: stored {snippet(a, column)}, fresh {snippet(b, column)}"
    if len(old_lines) != len(new_lines):
        line = min(len(old_lines), len(new_lines)) + 1
        return f"first difference at line {line}: stored has {len(old_lines)} lines, fresh has {len(new_lines)}"
    return None


def snippet(line, column, before=30, after=50):
    start = max(column - before, 0)
    text = ("…" if start else "") + line[start : column + after] + ("…" if column + after < len(line) else "")
    return "«" + text + "»"


def same_but_numbers(old, new):
    """True when two lines differ only in numbers that agree within NUMBER_TOLERANCE."""
    if NUMBER.split(old) != NUMBER.split(new):
        return False
    pairs = zip(NUMBER.findall(old), NUMBER.findall(new))
    return all(close(float(a), float(b)) for a, b in pairs)


def close(a, b):
    tolerance = NUMBER_TOLERANCE["absolute"] + NUMBER_TOLERANCE["relative"] * max(abs(a), abs(b))
    return a == b or (math.isfinite(a) and math.isfinite(b) and abs(a - b) <= tolerance)


def json_difference(old, new):
    if old == new:
        return None
    return text_difference(*(json.dumps(v, indent=1, sort_keys=True, ensure_ascii=False) for v in (old, new)))


def renumber_ids(markup):
    """The markup with its element ids renamed id1, id2, ... in order of appearance, references included."""
    ids = {old: f"id{n}" for n, old in enumerate(dict.fromkeys(ID_DEFINITION.findall(markup)), start=1)}
    return ID_USE.sub(lambda match: match.group(1) + ids.get(match.group(2), match.group(2)), markup)


def markup_difference(old, new):
    old_images, new_images = DATA_PNG.findall(old), DATA_PNG.findall(new)
    if len(old_images) == len(new_images):
        for n, (a, b) in enumerate(zip(old_images, new_images), start=1):
            problem = pixel_difference(a, b)
            if problem:
                return f"embedded PNG {n}: {problem}"
        old, new = (DATA_PNG.sub("data:image/png;base64,(image)", text) for text in (old, new))
    return text_difference(renumber_ids(old), renumber_ids(new))


def pixel_difference(old, new):
    """Where two base64 PNGs first differ by more than PIXEL_TOLERANCE in a channel, or None."""
    if as_text(old) == as_text(new):
        return None
    (w1, h1, rows1), (w2, h2, rows2) = (png.decode(base64.b64decode(as_text(v))) for v in (old, new))
    if (w1, h1) != (w2, h2):
        return f"stored image is {w1}x{h1} pixels, fresh {w2}x{h2}"
    first, count = None, 0
    for y, (a, b) in enumerate(zip(rows1, rows2)):
        if a == b:
            continue
        for x in range(w1):
            pa, pb = a[4 * x : 4 * x + 4], b[4 * x : 4 * x + 4]
            if max(abs(p - q) for p, q in zip(pa, pb)) > PIXEL_TOLERANCE:
                count += 1
                first = first or (x, y, tuple(pa), tuple(pb))
    if first is None:
        return None
    x, y, pa, pb = first
    return f"{count} pixels differ by more than {PIXEL_TOLERANCE} levels, first at line {y + 1}, pixel {x + 1}: stored RGBA {pa}, fresh {pb}"


def shape(value):
    """What a timing output must keep from run to run: the lines of a text, the structure of a JSON value."""
    if isinstance(value, str):
        return f"{len(value.splitlines())} lines of text"
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__ if not isinstance(value, (int, float)) or isinstance(value, bool) else "number"


def shape_difference(old, new, numbers=False):
    del numbers  # a timing's numbers are never compared
    return json_difference(shape(old), shape(new))


def first_line(source):
    line = as_text(source).strip().split("\n", 1)[0]
    return "«" + (line if len(line) <= 60 else line[:59] + "…") + "»"
