"""What a person sees: the book and JupyterLab in a real headless Chromium.

- The built book's Module 04 page, opened from disk with no network: its
  title, a formula typeset by the local MathJax (no raw LaTeX left), and
  the shapes table, then screenshots of the top and of the table;
- JupyterLab serving modules/04_losses/04_losses.ipynb: the notebook opens
  with its kernel, *Run All* stops at the first stub's test with its
  NotImplementedError, and a screenshot shows that cell.

Screenshots are kept in book/_build/screenshots/ (gitignored) so a person
can look at them after a run.
"""

from __future__ import annotations

import shutil
import time

import pytest

from bookkit import SCREENSHOTS, copy_repo, jupyter_lab, run_tito

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _keep(path, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, SCREENSHOTS / name)
    assert path.stat().st_size > 30_000, f"{name} looks empty"


SHAPES_TABLE = """
(() => {
  const tables = [...document.querySelectorAll('main table')];
  const t = tables.find(t => {
    const heads = [...t.querySelectorAll('th')].map(h => h.innerText.trim());
    return heads.includes('Predictions') && heads.includes('Targets');
  });
  if (!t) return null;
  t.scrollIntoView({block: 'center'});
  const r = t.getBoundingClientRect();
  return {visible: r.width > 0 && r.height > 0,
          rows: [...t.querySelectorAll('tbody tr')].map(
            tr => [...tr.cells].map(td => td.innerText.trim()))};
})()
"""

MATH = """
MathJax.startup.promise.then(() => {
  const all = [...document.querySelectorAll('main mjx-container')];
  const shown = all.filter(m => m.getBoundingClientRect().width > 0);
  const main = document.querySelector('main').innerText;
  return {typeset: all.length, shown: shown.length,
          raw: main.includes('\\\\(') || main.includes('\\\\['),
          sample: shown.length ? (shown[0].getAttribute('aria-label') ||
              shown[0].innerText) : ''};
})
"""


def test_module_04_page_in_chromium(built_book, browser, tmp_path):
    repo, html, _ = built_book
    page = html / "modules" / "04_losses" / "index.html"
    browser.goto(page.as_uri())
    browser.wait_for("document.readyState === 'complete' && "
                     "!!window.MathJax && !!MathJax.startup", 60,
                     "the page and MathJax to load")

    title = browser.evaluate("document.title")
    h1 = browser.evaluate("document.querySelector('main h1').innerText")
    assert "Losses" in title, title
    assert "Module 04" in h1 and "Losses" in h1, h1

    math = browser.evaluate(MATH, await_promise=True)
    assert math["shown"] >= 3, f"formulas typeset and visible: {math}"
    assert not math["raw"], "raw LaTeX left on the page (MathJax did not run)"

    shot = browser.screenshot(tmp_path / "book_04_losses.png")
    _keep(shot, "book_04_losses.png")

    table = browser.evaluate(SHAPES_TABLE)
    assert table and table["visible"], "the shapes table is not visible"
    rows = {row[0]: row for row in table["rows"]}
    assert {"MSE", "cross-entropy", "binary cross-entropy"} <= set(rows), \
        rows
    assert "(N, C)" in rows["cross-entropy"][1], rows["cross-entropy"]
    time.sleep(0.5)  # let the scroll settle
    shot = browser.screenshot(tmp_path / "book_04_losses_shapes.png")
    _keep(shot, "book_04_losses_shapes.png")


NOTEBOOK_READY = """
(() => {
  const app = window.jupyterapp;
  if (!app) return false;
  const panel = [...app.shell.widgets('main')].find(
      w => w.context && w.context.path === %r);
  if (!panel || !panel.sessionContext.session) return false;
  const kernel = panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  app.shell.activateById(panel.id);
  window.notebookPanel = panel;
  return document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length;
})()
"""

FIRST_ERROR = """
(() => {
  const panel = window.notebookPanel;
  const kernel = panel.sessionContext.session.kernel;
  const cells = [...panel.content.widgets];
  const i = cells.findIndex(c => c.model.type === 'code' &&
      c.model.outputs && [...Array(c.model.outputs.length).keys()].some(
        k => c.model.outputs.get(k).type === 'error'));
  if (i < 0 || kernel.status !== 'idle') return null;
  const cell = cells[i];
  cell.node.scrollIntoView({block: 'end'});
  const out = [...Array(cell.model.outputs.length).keys()].map(
      k => cell.model.outputs.get(k)).find(o => o.type === 'error');
  const ran = cells.slice(0, i).filter(c => c.model.type === 'code')
      .map(c => c.model.executionCount);
  return {index: i, ename: out.toJSON().ename, evalue: out.toJSON().evalue,
          ran: ran, shown: cell.node.innerText.includes('NotImplementedError'),
          title: document.querySelector('.jp-RenderedMarkdown h1') &&
                 document.querySelector('.jp-RenderedMarkdown h1').innerText,
          formulas: document.querySelectorAll(
              '.jp-RenderedMarkdown mjx-container').length};
})()
"""


def test_jupyterlab_shows_the_learner_notebook(browser, tmp_path):
    from tito.core.notebooks import learner_notebook
    from tito.core.project import Module

    repo = copy_repo(tmp_path / "repo")
    made = run_tito(repo, "notebook", "--module", "04_losses")
    assert made.returncode == 0, made.stderr
    path = "modules/04_losses/04_losses.ipynb"
    nb = learner_notebook(Module(repo, "04_losses"))
    first_stub = next(i for i, c in enumerate(nb.cells)
                      if c.metadata.get("nbgrader", {}).get("solution"))
    stub_id = nb.cells[first_stub].metadata["nbgrader"]["grade_id"]

    with jupyter_lab(repo, repo, tmp_path / "jupyter") as server:
        browser.goto(f"{server.url}/lab/tree/{path}?token={server.token}")
        browser.wait_for(NOTEBOOK_READY % path, 120,
                         "JupyterLab to open the notebook with its kernel")
        tab = browser.evaluate(
            "[...document.querySelectorAll('.lm-TabBar-tabLabel')]"
            ".map(t => t.innerText)")
        assert "04_losses.ipynb" in tab, tab
        browser.evaluate("window.jupyterapp.commands.execute("
                         "'notebook:run-all-cells')")
        found = browser.wait_for(FIRST_ERROR, 300,
                                 "Run All to stop at a failing cell")
        time.sleep(1)  # let the scroll settle
        shot = browser.screenshot(tmp_path / "jupyterlab_04_losses.png")
        _keep(shot, "jupyterlab_04_losses.png")

    assert found["ename"] == "NotImplementedError", found
    assert found["evalue"].startswith(f"{stub_id}: "), found
    assert found["index"] > first_stub, (found["index"], first_stub)
    assert found["shown"], "the error is not visible in the page"
    assert all(isinstance(n, int) for n in found["ran"]), (
        f"cells before the failure that did not run: {found['ran']}")
    assert "Module 04" in (found["title"] or ""), found["title"]
    assert found["formulas"] >= 1, "no formula typeset in the notebook"
    # book/intro.md describes this screenshot; it must name the right part
    intro = (repo / "book" / "intro.md").read_text(encoding="utf-8")
    assert f"`{stub_id}`" in intro, (
        f"book/intro.md should say the first failure names `{stub_id}`")
