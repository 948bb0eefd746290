"""Build the static lecture notes: the executed notebooks as HTML pages, plus an index.

    python tools/build_html.py --out build/html notebooks/*.ipynb      (what `make html` runs)

Then open build/html/index.html in any browser: no kernel, no server and no
network are needed to read the notes.

How it works, and why
---------------------
* Notebooks are rendered as committed: they are already executed (CI checks
  that they are saved from one clean run), so nothing is re-executed and the
  build takes seconds. A notebook without any outputs is skipped with a message.
* nbconvert's HTMLExporter (``lab`` template, in requirements.lock) renders
  each page; figures are embedded as data: URIs, so each page is one file.
* Widgets cannot run without a kernel. Each explorer in the course is two
  cells: a plain cell drawing the default setting as a figure, then the widget
  cell. Here the widget cell keeps its code, and its output (which would show
  as a broken placeholder) is replaced by a short note pointing to the figure
  just above and to ``make lab``.
* Math. nbconvert's template loads MathJax 2 from a CDN, which fails offline.
  We replace that block with MathJax 3 ("tex-svg-full.js": TeX input with all
  extensions and SVG output in ONE self-contained JavaScript file; SVG output
  needs no web fonts, which browsers may refuse to load from file:// pages)
  copied next to the pages, in build/html/mathjax/, with a MathJax 3
  configuration for the same $...$ and $$...$$ delimiters. Math is thus typeset
  by the browser from a local file. No pip package in the lock ships MathJax
  3 as a standalone file (JupyterLab bundles it inside its webpack chunks), so
  the file comes from the npm registry, pinned to one version and checked
  against a SHA-256, fetched once by ``npm pack`` into build/cache/ and reused
  from there. Building therefore needs npm and the registry once per clean
  clone (or ``--mathjax-file`` pointing to a local tex-svg-full.js); viewing
  needs nothing. The alternative, converting every formula server-side (e.g.
  with a LaTeX-to-MathML package), would add a Python dependency and support
  less LaTeX than MathJax does.
* nbconvert's page also loads require.js from a CDN, which only widgets need;
  that tag is removed, and the build fails if any page still loads a script or
  stylesheet from the network.
* index.html lists the notebooks in syllabus order (by their number) with each
  one's title (its first heading) and its learning goals (the list after "able to").
"""
import argparse
import hashlib
import html
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune

ROOT = Path(__file__).resolve().parents[1]
MATHJAX_VERSION = "3.2.2"
MATHJAX_SHA256 = "1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09"  # the npm tarball
MATHJAX_FILE = "tex-svg-full.js"
WIDGET = "application/vnd.jupyter.widget-view+json"

MATHJAX_BLOCK = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
REMOTE_SCRIPT = re.compile(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.S)
REMOTE_LOAD = re.compile(r'<(?:script|link)[^>]*\b(?:src|href)="(https?://[^"]*)"[^>]*>', re.S)

WIDGET_NOTE = ("<div class=\"widget-note\">Interactive explorer: sliders need a running kernel. "
               "The figure just above shows its default setting; open this notebook in JupyterLab "
               "(<code>make lab</code>) to move the sliders.</div>")

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 56rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; }
h1 { margin-bottom: 0.2rem; }
ul.notes { list-style: none; padding-left: 0; }
ul.notes > li { margin: 1.1rem 0; }
ul.notes a { font-size: 1.15rem; font-weight: 600; }
.goals { margin: 0.2rem 0 0; color: #444; }
"""
WIDGET_CSS = """.widget-note { margin: 0.4rem 0; padding: 0.5rem 0.8rem; border-left: 4px solid #4c78a8;
               background: #eef3f9; font-size: 0.9rem; }
"""


def mathjax_script(src):
    """MathJax 3: the notebooks' delimiters, SVG output, from the local file ``src``."""
    return f"""<!-- Load mathjax (MathJax {MATHJAX_VERSION}, local copy: no network needed) -->
<script>
window.MathJax = {{
  tex: {{ inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]], displayMath: [["$$", "$$"], ["\\\\[", "\\\\]"]],
         processEscapes: true, processEnvironments: true, tags: "ams" }},
  svg: {{ fontCache: "global" }},
  options: {{ ignoreHtmlClass: "tex2jax_ignore", processHtmlClass: "tex2jax_process" }}
}};
</script>
<script defer src="{src}"></script>
<!-- End of mathjax configuration -->"""


# ------------------------------------------------------------------ MathJax
def fetch_mathjax(cache):
    """Return the path of tex-svg-full.js in ``cache``, fetching the pinned npm tarball once."""
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"mathjax-{MATHJAX_VERSION}" / MATHJAX_FILE
    if target.exists():
        return target
    tgz = cache / f"mathjax-{MATHJAX_VERSION}.tgz"
    if not tgz.exists():
        if shutil.which("npm") is None:
            sys.exit("build_html: npm is needed once to fetch MathJax (or pass --mathjax-file PATH to a tex-svg-full.js)")
        print(f"fetching mathjax@{MATHJAX_VERSION} with npm pack ...")
        subprocess.run(["npm", "pack", f"mathjax@{MATHJAX_VERSION}", "--silent"], cwd=cache, check=True,
                       stdout=subprocess.DEVNULL)
    digest = hashlib.sha256(tgz.read_bytes()).hexdigest()
    if digest != MATHJAX_SHA256:
        tgz.unlink()
        sys.exit(f"build_html: {tgz.name} has SHA-256 {digest}, expected {MATHJAX_SHA256}; removed it, try again")
    target.parent.mkdir(exist_ok=True)
    with tarfile.open(tgz) as tar:
        for name, dest in ((f"package/es5/{MATHJAX_FILE}", target), ("package/LICENSE", target.parent / "LICENSE")):
            with tar.extractfile(name) as src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out)
    return target


# ------------------------------------------------------------------ notebooks
def is_executed(nb):
    return any(c.cell_type == "code" and c.get("outputs") for c in nb.cells)


def title_and_goals(nb, fallback):
    """The first '# ' heading, and the learning goals as one line (the list after 'able to')."""
    title, goals = fallback, ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        if title == fallback:
            for line in lines:
                if line.startswith("# "):
                    title = line[2:].strip()
                    break
        if "able to" in cell.source and not goals:
            after = cell.source.split("able to", 1)[1].splitlines()[1:]
            items, current = [], None
            for line in after:
                m = re.match(r"\s*(?:\d+\.|[-*])\s+(.*)", line)
                if m:
                    current = m.group(1).strip()
                    items.append(current)
                elif items and line.startswith("   ") and line.strip():
                    items[-1] += " " + line.strip()
                elif items and not line.strip():
                    break
            goals = "; ".join(i.rstrip(";.") for i in items)
        if title != fallback and goals:
            break
    return title, goals


def prepare(nb):
    """Replace each widget cell's output by a note; drop saved widget state."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code" and any(WIDGET in o.get("data", {}) for o in cell.get("outputs", [])):
            cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": WIDGET_NOTE})]
    return nb


def render(nb, exporter, mathjax_src):
    body, _ = exporter.from_notebook_node(nb)
    body, n = MATHJAX_BLOCK.subn(lambda m: mathjax_script(mathjax_src), body)
    if n != 1:
        raise RuntimeError("nbconvert's MathJax block was not found: has its template changed?")
    body = REMOTE_SCRIPT.sub("", body)
    body = body.replace("</style>", WIDGET_CSS + "</style>", 1)
    remote = REMOTE_LOAD.findall(body)
    if remote:
        raise RuntimeError(f"the page would load from the network: {remote}")
    return body


def inline_markdown(text):
    """One line of notebook markdown (bold, code, $math$) as inline HTML; math is left for MathJax."""
    rendered = markdown2html_mistune(text).strip()
    return re.sub(r"^<p>(.*)</p>$", r"\1", rendered, flags=re.S)


def index_page(entries, mathjax_src):
    items = "\n".join(
        f'<li><a href="{html.escape(page)}">{html.escape(title)}</a>'
        + (f'<p class="goals">You will be able to {inline_markdown(goals)}.</p>' if goals else "")
        + "</li>" for page, title, goals in entries)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RNN from Scratch: lecture notes</title>
<style>{STYLE}</style>
{mathjax_script(mathjax_src)}
</head>
<body>
<h1>RNN from Scratch</h1>
<p>Executable lecture notes on the simple (Elman) recurrent neural network, rendered from
the executed notebooks. To run them and move the sliders, open them in JupyterLab
(<code>make lab</code>).</p>
<ul class="notes">
{items}
</ul>
</body>
</html>
"""


def build(notebooks, out, mathjax_file):
    out.mkdir(parents=True, exist_ok=True)
    (out / "mathjax").mkdir(exist_ok=True)
    shutil.copyfile(mathjax_file, out / "mathjax" / MATHJAX_FILE)
    licence = Path(mathjax_file).parent / "LICENSE"
    if licence.exists():
        shutil.copyfile(licence, out / "mathjax" / "LICENSE")
    exporter = HTMLExporter(template_name="lab")
    entries = []
    for path in sorted(notebooks, key=lambda p: p.name):
        nb = nbformat.read(path, as_version=4)
        if not is_executed(nb):
            print(f"skipped {path}: not executed (run tools/run_notebooks.py first)")
            continue
        title, goals = title_and_goals(nb, path.stem)
        page = path.stem + ".html"
        (out / page).write_text(render(prepare(nb), exporter, f"mathjax/{MATHJAX_FILE}"), encoding="utf-8")
        entries.append((page, title, goals))
        print(f"wrote {out / page}")
    (out / "index.html").write_text(index_page(entries, f"mathjax/{MATHJAX_FILE}"), encoding="utf-8")
    return entries


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "html")
    ap.add_argument("--cache", type=Path, default=ROOT / "build" / "cache")
    ap.add_argument("--mathjax-file", type=Path, help=f"a local {MATHJAX_FILE} (skips npm)")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    mathjax = args.mathjax_file or fetch_mathjax(args.cache)
    entries = build(args.notebooks, args.out, mathjax)
    print(f"{len(entries)} pages and index.html in {args.out} ({time.perf_counter() - start:.1f} s); "
          f"open {args.out / 'index.html'}")


if __name__ == "__main__":
    main()
