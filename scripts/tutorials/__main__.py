"""Command line: `python3 -m tutorials write [--refresh-timings] [NAME...]` executes the tutorials through the
kernel and writes their outputs back in place (what `npm run notebooks` runs); `check [NAME...]` only reports
what a fresh run would change; `html OUTDIR` renders the stored tutorials to HTML (nbconvert) for the site.

Writing keeps a cell's stored outputs when the fresh ones are equivalent under the reproduction check's rules
(compare.py), so a second run leaves the files byte for byte as they were: cells tagged `timing` keep their
stored measurements unless --refresh-timings is given, and then carry a note of this machine."""

import argparse
import base64
import json
import os
import pathlib
import shutil
import sys

from . import catalogue, compare, machine
from .normalise import normalise, read, writes
from .run import execute

KERNEL_NAME = os.environ.get("JACLAB_KERNEL_NAME", "jaclab")


def merge(stored, fresh, refresh_timings, note):
    """The notebook to store: fresh outputs where they differ from the stored ones; the list of changed cells."""
    changed = []
    for index, (old, new) in enumerate(zip(stored.cells, fresh.cells)):
        if old.cell_type != "code":
            continue
        timing = compare.is_timing(old)
        if compare.outputs_differences(old, new) or (timing and refresh_timings):
            old.outputs, old.execution_count = new.outputs, new.execution_count
            if timing:
                old.metadata.setdefault("jaclab", {})["measured_on"] = note
            changed.append(index)
        elif old.execution_count != new.execution_count:
            old.execution_count = new.execution_count
            changed.append(index)
    widgets = fresh.metadata.get("widgets")
    if compare.json_difference(stored.metadata.get("widgets", {}), widgets or {}):
        if widgets:
            stored.metadata.widgets = widgets
        else:
            stored.metadata.pop("widgets", None)
        changed.append("widget state")
    return stored, changed


def failures(notebook):
    return [
        f"cell {index}: {output.ename}: {output.evalue}"
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]


def write(args):
    note = machine.note()
    status = 0
    for path in catalogue.select(args.names):
        name = f"{path.parent.name}/{path.name}"
        fresh = execute(path, KERNEL_NAME)
        errors = failures(fresh)
        if errors:
            print(f"{name}: not written, cells failed:\n  " + "\n  ".join(errors), file=sys.stderr)
            status = 1
            continue
        stored = normalise(read(path), path.name)
        if args.check:
            problems = compare.differences(stored, fresh, name)
            print(f"{name}: " + ("reproduces" if not problems else "\n  " + "\n  ".join(problems)))
            status |= bool(problems)
            continue
        merged, changed = merge(stored, fresh, args.refresh_timings, note)
        text = writes(merged)
        if text != path.read_text(encoding="utf-8"):
            path.write_text(text, encoding="utf-8")
        print(f"{name}: " + (f"updated cells {changed}" if changed else "unchanged (outputs reproduce)"))
    return status


def svg_as_images(notebook):
    """Makes nbconvert show SVG outputs as <img> with a data: URI, as JupyterLab does: inlined, its HTML
    sanitiser would strip the diagrams' elements, and several diagrams would share element ids."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            svg = output.get("data", {}).get("image/svg+xml")
            if svg is not None:
                output.svg_filename = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return notebook


def json_for_script(value):
    """JSON for a <script> element: nbconvert 6 HTML-escapes it after dumping, and a script's text is not
    unescaped, so widget state arrived as `&lt;svg` and HTML widgets showed their markup. With < > & written
    as JSON escapes there is nothing left to HTML-escape (and no `</script>` can end the element early)."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def html(args):
    """Renders every stored tutorial to OUTDIR/NAME.html, copies the .ipynb beside it, lists them in index.json."""
    from nbconvert import HTMLExporter

    out = pathlib.Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    # The page's scripts: nbconvert's defaults are file:///usr/share/javascript (Debian) and unpkg.com.
    exporter = HTMLExporter(
        template_name="lab",
        mathjax_url=args.mathjax_url,
        require_js_url=args.require_js_url,
        widget_renderer_url=args.widget_renderer_url,
        filters={"json_dumps": json_for_script},
    )
    listing = []
    for path in catalogue.tutorials():
        notebook = svg_as_images(read(path))
        body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": path.stem}})
        (out / f"{path.stem}.html").write_text(body, encoding="utf-8")
        shutil.copyfile(path, out / path.name)
        title, summary = catalogue.title_and_summary(path)
        listing.append({"name": path.stem, "title": title, "summary": summary})
        print(f"rendered {path.name}")
    (out / "index.json").write_text(json.dumps(listing, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m tutorials", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for command in ("write", "check"):
        sub = commands.add_parser(command)
        sub.add_argument("names", nargs="*", help="tutorials to run (default: all of notebooks/NN-*.ipynb)")
        sub.add_argument("--refresh-timings", action="store_true", help="store fresh timings too")
        sub.set_defaults(run=write, check=command == "check")
    sub = commands.add_parser("html")
    sub.add_argument("outdir")
    for option in ("--mathjax-url", "--require-js-url", "--widget-renderer-url"):
        sub.add_argument(option, required=True, help="where a rendered page loads this script from")
    sub.set_defaults(run=html)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
