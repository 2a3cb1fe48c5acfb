"""Which notebooks in notebooks/ are tutorials: those named NN-some-name.ipynb (two digits, a dash, lower-case
words). A notebook a user saves there (Untitled.ipynb, scratch.ipynb) is not one, and neither is anything in
.ipynb_checkpoints/. A new tutorial joins every command and test by being named by that rule."""

import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
TUTORIAL_NAME = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb$")


def tutorials(directory=NOTEBOOK_DIR):
    """The tutorial notebooks in `directory`, in their numbered order."""
    return sorted(path for path in pathlib.Path(directory).glob("*.ipynb") if TUTORIAL_NAME.match(path.name))


def select(names, directory=NOTEBOOK_DIR):
    """The tutorials named on a command line (file names, stems or paths); all of them when none is named."""
    every = tutorials(directory)
    if not names:
        return every
    chosen = []
    for name in names:
        stem = pathlib.Path(name).name.removesuffix(".ipynb")
        matches = [path for path in every if path.stem == stem]
        if not matches:
            known = ", ".join(path.name for path in every)
            raise SystemExit(f"{name} is not a tutorial in {directory} (tutorials: {known})")
        chosen += matches
    return chosen


def title_and_summary(path):
    """The first Markdown heading of a tutorial and a one-paragraph summary, as plain text (for the site's
    index): the notebook's metadata.jaclab.summary when it has one, else the first paragraph under the heading
    that has no LaTeX in it, without Markdown emphasis."""
    notebook = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    given = notebook.get("metadata", {}).get("jaclab", {}).get("summary")
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        lines = source.splitlines()
        heading = next((line for line in lines if line.startswith("#")), None)
        if heading is None:
            continue
        rest = source.split(heading, 1)[1]
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", rest) if p.strip() and "$" not in p]
        summary = given or (re.sub(r"(\*\*|__|\*)", "", " ".join(paragraphs[0].split())) if paragraphs else "")
        return heading.lstrip("#").strip(), summary
    return path.stem, ""
