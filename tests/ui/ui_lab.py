"""The course as a learner uses it: every notebook run in JupyterLab, in a real browser.

Run with `make test-ui` (never collected by `make test-unit`: this file's name
does not match pytest's test_*.py / *_test.py patterns, so only an explicit
path collects it).

For every notebook in notebooks/*.ipynb:
  1. open it in JupyterLab (headless Debian Chromium driven by Playwright),
     wait for an idle kernel, clear the saved outputs, Run > Run All Cells,
     wait until every cell has run (kernel idle, no queued cell);
  2. assert that no cell shows an error or stderr output (warnings included:
     the course's bar is "no warnings in outputs");
  3. assert that every widget cell (tagged nbval-ignore-output, saved with a
     widget view) rendered real controls, not the text fallback;
  4. for every explorer (widget cell with a slider): move the first slider
     one step with the keyboard, as a learner would, wait until the kernel is
     idle again, and assert the figure image changed and no error appeared
     (in the cell, or as a traceback in the kernel's log).

Screenshots go to build/screenshots/: <notebook>.png after Run All (the whole
notebook) and <notebook>__cellNN.png for each explorer after the slider moved.
Run times and observations go to build/screenshots/report.txt and the
terminal summary.

Environment knobs (for development; defaults are what CI uses):
  UI_NOTEBOOKS  glob of notebooks to test (default: notebooks/*.ipynb)
  UI_TIMEOUT    seconds allowed for one notebook's Run All (default 1800)
  UI_CHROMIUM   browser executable (default /usr/bin/chromium)
"""
import glob
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
WIDGET = "application/vnd.jupyter.widget-view+json"
CHROMIUM = os.environ.get("UI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
RUN_ALL_TIMEOUT = float(os.environ.get("UI_TIMEOUT", "1800"))
CALLBACK_TIMEOUT = 600.0   # one slider move may retrain; the machine is slow and shared
SLIDER_TARGET = 1.5        # seconds from slider to figure the course aims at (reported, not asserted)
STARTUP_TIMEOUT = 180.0    # JupyterLab start, page load, kernel start
NOTEBOOKS = sorted(Path(p).resolve() for p in glob.glob(os.environ.get("UI_NOTEBOOKS", str(ROOT / "notebooks" / "*.ipynb"))))

# JupyterLab user settings: no news or update pop-ups, every cell in the DOM
# (no virtual scrolling, so the test sees all cells), no autosave (we work on a copy anyway).
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}
SERVER_CONFIG = """\
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.handlers.announcements.NeverCheckForUpdate"
c.LabApp.extension_manager = "readonly"
c.ServerApp.terminals_enabled = False
"""
PAGE_CONFIG = {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}

REPORT = []  # lines for the summary: run times, observations


def note(line):
    REPORT.append(line)


def rel(path):
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- server

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A private JupyterLab server on a copy of the notebooks, in temporary folders."""

    def __init__(self, notebooks):
        self.tmp = Path(tempfile.mkdtemp(prefix="rnn-ui-"))
        self.root = self.tmp / "root"
        self.root.mkdir()
        # Work on a copy: JupyterLab must never save into the committed notebooks.
        # Copy each notebook's folder (so relative files it reads are there too).
        for folder in sorted({nb.parent for nb in notebooks}):
            shutil.copytree(folder, self.root / folder.name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        config = self.tmp / "config"
        (config / "labconfig").mkdir(parents=True)
        (config / "jupyter_server_config.py").write_text(SERVER_CONFIG)
        (config / "labconfig" / "page_config.json").write_text(json.dumps(PAGE_CONFIG))
        settings = self.tmp / "settings"
        for name, value in USER_SETTINGS.items():
            (settings / name).parent.mkdir(parents=True, exist_ok=True)
            (settings / name).write_text(json.dumps(value))
        self.token = secrets.token_hex(24)
        env = dict(os.environ, JUPYTER_TOKEN=self.token, JUPYTER_CONFIG_DIR=str(config),
                   JUPYTER_DATA_DIR=str(self.tmp / "data"), JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"),
                   IPYTHONDIR=str(self.tmp / "ipython"), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        env.pop("MPLBACKEND", None)  # the kernel draws inline, as for a learner
        self.log_path = self.tmp / "jupyterlab.log"  # copied to build/ui-jupyterlab.log at the end
        jupyter = Path(sys.executable).parent / "jupyter"
        for attempt in range(3):
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            self.log = open(self.log_path, "w")
            self.proc = subprocess.Popen(
                [str(jupyter), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                 "--ServerApp.port_retries=0", f"--ServerApp.root_dir={self.root}",
                 f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={self.tmp / 'workspaces'}",
                 "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False"]
                + (["--allow-root"] if os.geteuid() == 0 else []),  # CI runs as root
                env=env, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            if self.wait_ready():
                return
            self.stop()
        kept = self.keep_log()
        shutil.rmtree(self.tmp, ignore_errors=True)
        raise RuntimeError(f"JupyterLab did not start; see {rel(kept)}")

    def api(self, path, method="GET"):
        req = urllib.request.Request(f"{self.url}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def wait_ready(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                self.api("/api/status")
                return True
            except OSError:
                time.sleep(0.5)
        return False

    def log_text(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.api("/api/shutdown", method="POST")  # shuts kernels down too
                self.proc.wait(timeout=30)
            except Exception:
                pass
        if self.proc.poll() is None:
            self.proc.terminate()  # the server shuts its kernels down on SIGTERM
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def keep_log(self):
        kept = ROOT / "build" / "ui-jupyterlab.log"
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.log_path, kept)
        return kept

    def close(self):
        self.stop()
        self.keep_log()
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def lab(request):
    def interrupt(signum, frame):  # `kill` or a CI timeout: still run the teardown below
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, interrupt)
    server = Lab(NOTEBOOKS)
    yield server
    server.close()


@pytest.fixture(scope="session")
def browser(lab, request):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
    (SHOTS / "report.txt").write_text("\n".join(REPORT) + "\n")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter and capture and REPORT:
        with capture.global_and_fixture_disabled():  # teardown output is captured otherwise
            reporter.write_sep("-", "browser test: run times and observations")
            for line in REPORT:
                reporter.write_line(line)


# --------------------------------------------------------------------------- notebook page

# JavaScript run in the page; window.jupyterapp is exposed by --LabApp.expose_app_in_browser.
JS_PANEL = """
(path) => {
  const app = window.jupyterapp;
  if (!app) return null;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === path && w.content && w.content.widgets) return true;
  }
  return null;
}
"""
JS_STATE = """
(path) => {
  let panel = null;
  for (const w of window.jupyterapp.shell.widgets('main')) {
    if (w.context && w.context.path === path) panel = w;
  }
  if (!panel) return null;
  const sc = panel.sessionContext;
  const kernel = sc.session && sc.session.kernel;
  const cells = panel.content.widgets.map((cell, index) => {
    const m = cell.model;
    const out = {index, type: m.type, count: null, prompt: '', outputs: [],
                 source: m.sharedModel.getSource().slice(0, 80)};
    if (m.type === 'code') {
      out.count = m.executionCount;
      const p = cell.node.querySelector('.jp-InputPrompt');
      out.prompt = p ? p.textContent : '';
      for (let i = 0; i < m.outputs.length; i++) {
        const o = m.outputs.get(i).toJSON();
        out.outputs.push({type: o.output_type, name: o.name || null,
                          text: o.output_type === 'error' ? (o.ename + ': ' + o.evalue)
                              : (o.output_type === 'stream' ? String(o.text).slice(0, 400) : ''),
                          mimes: Object.keys(o.data || {})});
      }
    }
    return out;
  });
  return {ready: sc.isReady, status: kernel ? kernel.status : 'no kernel', cells};
}
"""


JS_HOOK = """
(path) => {
  // Record every error and stderr message the kernel sends, wherever the page routes it
  // (a cell, an Output widget, or the log console for callbacks outside any output area).
  for (const w of window.jupyterapp.shell.widgets('main')) {
    if (!(w.context && w.context.path === path) || w.__uiHooked) continue;
    w.__uiHooked = true;
    window.__uiIopub = window.__uiIopub || [];
    w.sessionContext.iopubMessage.connect((_, msg) => {
      const t = msg.header.msg_type, c = msg.content;
      if (t === 'error')
        window.__uiIopub.push('error ' + c.ename + ': ' + c.evalue + ' (from ' + msg.parent_header.msg_type + ')');
      else if (t === 'stream' && c.name === 'stderr')
        window.__uiIopub.push('stderr ' + JSON.stringify(String(c.text).slice(0, 400)) + ' (from ' + msg.parent_header.msg_type + ')');
    });
  }
}
"""


# ipykernel's notes when the page's widget manager asks for comms before the kernel has any
# (`jupyter.widget.control` before ipywidgets is imported): harmless, and the learner never sees them.
BENIGN = re.compile(r'^stderr "No such comm( target registered)?: ')


class Notebook:
    """One notebook open in its own browser page."""

    def __init__(self, lab, browser, path):
        self.lab, self.path = lab, path
        self.name = path.stem
        self.rel = f"{path.parent.name}/{path.name}"  # path inside the server root
        self.saved = json.loads((lab.root / self.rel).read_text())["cells"]  # the copy being run
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(STARTUP_TIMEOUT * 1000)
        self.page = self.context.new_page()
        self.console_errors = []
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.goto(f"{lab.url}/lab/tree/{self.rel}?reset&token={lab.token}")
        self.page.wait_for_function(JS_PANEL, arg=self.rel, polling=500)
        self.page.evaluate(JS_HOOK, self.rel)

    def kernel_messages(self, since=0):
        """Error and stderr messages from the kernel (see JS_HOOK), from position `since` on."""
        return [m for m in self.page.evaluate("() => window.__uiIopub || []")[since:] if not BENIGN.search(m)]

    def state(self):
        return self.page.evaluate(JS_STATE, self.rel)

    def where(self, index):
        src = self.saved[index]["source"]
        src = "".join(src) if isinstance(src, list) else src
        first = src.strip().splitlines()[0][:70] if src.strip() else ""
        return f"{self.rel} cell {index} ({first!r})"

    def wait(self, done, timeout, what):
        """Poll the page state (once a second) until done(state); on timeout, say what was running."""
        deadline = time.monotonic() + timeout
        while True:
            s = self.state()
            if s and done(s):
                return s
            if time.monotonic() > deadline:
                busy = [c["index"] for c in (s or {}).get("cells", []) if "*" in c["prompt"]]
                shot = self.shot("TIMEOUT")
                where = self.where(busy[0]) if busy else self.rel
                raise AssertionError(f"{what}: not done after {timeout:.0f} s at {where}; "
                                     f"kernel {(s or {}).get('status')}; screenshot {rel(shot)}")
            self.page.wait_for_timeout(1000)

    def wait_idle(self, timeout=STARTUP_TIMEOUT, what="kernel start"):
        return self.wait(lambda s: s["ready"] and s["status"] == "idle", timeout, what)

    def menu(self, top, item):
        """Click a main-menu entry by the labels a learner reads, e.g. Run > Run All Cells."""
        self.page.locator("#jp-MainMenu .lm-MenuBar-item", has_text=top).first.click()
        self.page.locator(".lm-Menu:visible .lm-Menu-item .lm-Menu-itemLabel").get_by_text(item, exact=True).first.click()

    def cell(self, index):
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def shot(self, tag=None, index=None, full=False):
        name = self.name + (f"__cell{index:02d}" if index is not None else "") + (f"__{tag}" if tag else "") + ".png"
        path = SHOTS / name
        if index is not None:
            self.cell(index).scroll_into_view_if_needed()
            self.cell(index).screenshot(path=str(path))
        elif full:
            # The notebook scrolls inside the page: hide the file browser, make the window as tall
            # as the notebook, scroll to the top, and take the picture in parts of at most 6000 px.
            self.page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
            height = self.page.evaluate("""() => {
                const o = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
                return o ? o.scrollHeight : 900; }""")
            total = min(int(height) + 150, 30000)
            self.page.set_viewport_size({"width": 1280, "height": total})
            self.page.evaluate("""() => { for (const o of document.querySelectorAll('.jp-WindowedPanel-outer'))
                o.scrollTop = 0; }""")
            self.page.wait_for_timeout(1000)  # let the layout settle before the picture
            part, top = 1, 0
            while top < total:
                name = path if top == 0 else path.with_name(f"{path.stem}__part{part}.png")
                self.page.screenshot(path=str(name), clip={"x": 0, "y": top, "width": 1280,
                                                           "height": min(6000, total - top)})
                part, top = part + 1, top + 6000
            self.page.set_viewport_size({"width": 1280, "height": 900})
        else:
            self.page.screenshot(path=str(path))
        return path

    def close(self):
        try:
            self.page.evaluate("""(path) => { for (const w of window.jupyterapp.shell.widgets('main'))
                if (w.context && w.context.path === path) return w.sessionContext.shutdown(); }""", self.rel)
        except Exception:
            pass
        self.context.close()


def problems(cell):
    """Error and stderr outputs of one cell (from the state dict)."""
    found = []
    for o in cell["outputs"]:
        if o["type"] == "error":
            found.append(f"error {o['text']}")
        elif o["type"] == "stream" and o["name"] == "stderr":
            found.append(f"stderr output: {o['text'].strip()[:300]!r}")
    return found


JS_SHOWN_PROBLEMS = """
(cell) => {
  // What the learner sees in the cell, widget outputs included (an Output widget renders a nested
  // output area): error and stderr outputs are rendered with the stderr MIME type.
  const found = [];
  for (const o of cell.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
    found.push('shows ' + (o.textContent.includes('Traceback') || /Error/.test(o.textContent) ? 'an error' : 'stderr')
               + ': ' + JSON.stringify(o.textContent.trim().slice(-300)));
  if (cell.textContent.includes('Error displaying widget'))
    found.push('shows "Error displaying widget" (a widget closed or lost while still displayed?)');
  return found;
}
"""


def shown_problems(nb, index):
    return nb.cell(index).evaluate(JS_SHOWN_PROBLEMS)


def widget_cells(saved):
    return [i for i, c in enumerate(saved) if c["cell_type"] == "code"
            and "nbval-ignore-output" in c.get("metadata", {}).get("tags", [])
            and any(WIDGET in o.get("data", {}) for o in c.get("outputs", []))]


def images(cell):
    return cell.locator(".jp-OutputArea img").evaluate_all("els => els.map(e => e.src)")


TRACEBACK = re.compile(r"Traceback \(most recent call last\)|Exception in comm_msg|Error in callback")


# --------------------------------------------------------------------------- the test

@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_in_jupyterlab(lab, browser, path):
    t0 = time.monotonic()
    nb = Notebook(lab, browser, path)
    try:
        check_notebook(nb, t0)
    finally:
        nb.close()


def check_notebook(nb, t0):
    failures = []
    nb.wait_idle()
    opened = time.monotonic() - t0

    # Run everything, as a learner would: Edit > Clear Outputs of All Cells, then Run > Run All Cells.
    nb.menu("Edit", "Clear Outputs of All Cells")
    nb.wait(lambda s: all(c["count"] is None and not c["outputs"] for c in s["cells"] if c["type"] == "code"),
            60, "clear outputs")
    t1 = time.monotonic()
    nb.menu("Run", "Run All Cells")
    code = [c for c in nb.state()["cells"] if c["type"] == "code"]

    def finished(s):
        cells = [c for c in s["cells"] if c["type"] == "code"]
        if s["status"] != "idle" or any("*" in c["prompt"] for c in cells):
            return False
        # all ran, or an error stopped Run All
        return all(c["count"] is not None for c in cells) or any(o["type"] == "error" for c in cells for o in c["outputs"])

    s = nb.wait(finished, RUN_ALL_TIMEOUT, "Run All")
    run_all = time.monotonic() - t1
    shot = nb.shot(full=True)

    for c in s["cells"]:
        # the cell's outputs, else what the page shows (widget outputs); "Error displaying widget" always
        shown = shown_problems(nb, c["index"])
        found = problems(c) + [p for p in shown if "Error displaying widget" in p] if problems(c) else shown
        for p in found:
            failures.append(f"{nb.where(c['index'])}: {p}; screenshot {rel(shot)}")
    if not failures and nb.kernel_messages():
        failures += [f"{nb.rel}: kernel sent {m} during Run All, shown in no cell; screenshot {rel(shot)}"
                     for m in nb.kernel_messages()]
    not_run = [c["index"] for c in s["cells"] if c["type"] == "code" and c["count"] is None]
    if not_run:
        failures.append(f"{nb.where(not_run[0])} and {len(not_run) - 1} more cells did not run; screenshot {rel(shot)}")
    # Text a learner sees that is not an error output but still a traceback (e.g. printed by a handler).
    for c in s["cells"]:
        if c["type"] == "code" and any("Traceback" in o["text"] for o in c["outputs"] if o["type"] == "stream"):
            failures.append(f"{nb.where(c['index'])}: a traceback in the cell's text output; screenshot {rel(shot)}")

    # Every widget cell rendered real controls, not the text fallback.
    explorers = []
    live = {c["index"] for c in s["cells"] if any(WIDGET in o["mimes"] for o in c["outputs"])}
    for i in sorted(set(widget_cells(nb.saved)) | live):
        cell = nb.cell(i)
        area = cell.locator(".jp-OutputArea")
        n_widgets = area.locator(".jupyter-widgets").count()
        n_sliders = area.locator(".widget-slider").count()
        fallback = area.locator(".jp-RenderedText").filter(has_text=re.compile(r"^\s*(interactive|VBox|HBox|Output|Box)\(")).count()
        if n_widgets == 0 or fallback:
            failures.append(f"{nb.where(i)}: widget cell shows no controls (text fallback?); "
                            f"screenshot {rel(nb.shot('NO-WIDGET', index=i))}")
        # ("Error displaying widget" next to real controls is reported above, as a problem the cell shows)
        elif n_sliders:
            explorers.append(i)
        else:
            note(f"{nb.rel} cell {i}: widget cell without a slider (not moved)")

    # Every explorer: move the first slider one step with the keyboard; the figure must change.
    timings = []
    for i in explorers:
        msg, seconds = move_slider(nb, i)
        timings.append(f"cell {i}: {seconds:.1f} s" if seconds is not None else f"cell {i}: failed")
        if msg:
            failures.append(msg)

    if nb.console_errors:
        note(f"{nb.rel}: JavaScript errors in the page: {nb.console_errors[:3]}")
    total = time.monotonic() - t0
    note(f"{nb.rel}: open+kernel {opened:.1f} s, Run All {run_all:.1f} s ({len(code)} code cells), "
         f"explorers [{', '.join(timings) or 'none'}], total {total:.1f} s")
    assert not failures, "\n".join(failures)


def move_slider(nb, index):
    """Move the first slider of the explorer in cell `index` one keyboard step. Returns (failure or None, seconds)."""
    cell = nb.cell(index)
    slider = cell.locator(".jp-OutputArea .widget-slider").first
    label = slider.locator(".widget-label").first.inner_text().strip() if slider.locator(".widget-label").count() else "?"
    readout = slider.locator(".widget-readout").first
    handle = slider.locator(".noUi-handle").first
    before_value = readout.inner_text()
    before_imgs = images(cell)
    if not before_imgs:
        return (f"{nb.where(index)}: the explorer shows no figure before the slider moved; "
                f"screenshot {rel(nb.shot('NO-FIGURE', index=index))}", None)
    log_mark = len(nb.lab.log_text())
    msg_mark = len(nb.kernel_messages())
    handle.scroll_into_view_if_needed()
    handle.focus()
    t = time.monotonic()
    handle.press("ArrowRight")
    if readout.inner_text() == before_value:  # already at the maximum
        handle.press("ArrowLeft")
    after_value = readout.inner_text()
    if after_value == before_value:
        return (f"{nb.where(index)}: slider {label!r} did not move with the keyboard; "
                f"screenshot {rel(nb.shot('STUCK', index=index))}", None)

    def changed(s):
        if s["status"] != "idle":
            return False
        imgs = images(cell)
        # done when a new figure is there, or when an error shows up (in the cell or the kernel log)
        return ((imgs and imgs != before_imgs) or shown_problems(nb, index) or nb.kernel_messages(msg_mark)
                or TRACEBACK.search(nb.lab.log_text()[log_mark:]))

    try:
        s = nb.wait(changed, CALLBACK_TIMEOUT, f"slider {label!r} {before_value} -> {after_value}")
    except AssertionError as e:
        return (f"{nb.where(index)}: figure did not change: {e}", None)
    seconds = time.monotonic() - t
    # A second look after a moment of idleness, so a late redraw or error is seen too.
    s = nb.wait_idle(CALLBACK_TIMEOUT, "kernel idle after the slider moved")
    shot = nb.shot(index=index)
    found = problems(s["cells"][index]) + shown_problems(nb, index)
    if not found:  # raised or warned outside the cell's output area: the learner sees only the log console
        found = [f"kernel sent {m} (not shown in the cell)" for m in nb.kernel_messages(msg_mark)]
    kernel_log = TRACEBACK.search(nb.lab.log_text()[log_mark:])
    if kernel_log:
        tail = nb.lab.log_text()[log_mark:][kernel_log.start():][:600]
        found.append(f"traceback in the kernel log (a callback raised outside the output area): {tail!r}")
    if found:
        return (f"{nb.where(index)}: after moving slider {label!r} {before_value} -> {after_value}: "
                + "; ".join(found) + f"; screenshot {rel(shot)}", seconds)
    if images(cell) == before_imgs:
        return (f"{nb.where(index)}: slider {label!r} {before_value} -> {after_value} did not change the figure; "
                f"screenshot {rel(shot)}", seconds)
    note(f"{nb.rel} cell {index}: slider {label!r} {before_value} -> {after_value}, new figure after {seconds:.1f} s"
         + (f" (over the course's {SLIDER_TARGET:g} s from slider to figure; timed, not asserted: the machine may be busy)"
            if seconds > SLIDER_TARGET else ""))
    return None, seconds
