"""The course book: `tito book` builds it offline with warnings as errors.

Checked on the built HTML, as a reader gets it: one guide page and one
notebook page per module, the Module 04 guide laid out like the seed page,
no broken internal link or anchor, nothing loaded from the network, maths
rendered by a local MathJax, launch links that open the learner notebook of
the configured repository, and no solution anywhere in the book.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml

from bookkit import copy_repo, need_jupyter_book, run_tito

pytestmark = pytest.mark.slow

SECTIONS_04 = ["learning objectives", "what you'll build", "api reference",
               "core concepts", "common errors", "production context",
               "check your understanding", "what's next"]


def _soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _pages(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*.html")
                  if not p.relative_to(html).parts[0].startswith("_"))


def _modules(repo: Path):
    from tito.core.project import discover

    return discover(repo)


def _config(repo: Path) -> dict:
    return yaml.safe_load((repo / "book" / "_config.yml").read_text())


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


# ------------------------------------------------------------------ build


def test_tito_book_builds_every_module(built_book):
    repo, html, result = built_book
    assert "✓ built" in result.stdout, result.stdout
    assert "book/_build/html/index.html" in result.stdout
    assert "url=intro.html" in (html / "index.html").read_text()
    modules = _modules(repo)
    assert modules
    toc = _soup(html / "intro.html")
    toc_links = {a["href"] for a in toc.select("nav.bd-docs-nav a[href]")}
    for module in modules:
        guide = html / "modules" / module.slug / "index.html"
        assert guide.is_file(), f"no guide page for {module.slug}"
        assert f"modules/{module.slug}/index.html" in toc_links
        for part in module.all_parts:  # the core, and an optional part
            notebook = html / "modules" / module.slug / f"{part.slug}.html"
            assert notebook.is_file(), f"no notebook page for {part.slug}"
            assert f"modules/{module.slug}/{part.slug}.html" in toc_links
        # the guide page is built from src/NN_name/ABOUT.md
        about = (module.src_dir / "ABOUT.md").read_text(encoding="utf-8")
        title = about.lstrip().split("\n", 1)[0].lstrip("# ").strip()
        assert _text(_soup(guide).select_one("main h1")).startswith(
            title.split("`")[0].strip())


def test_module_04_page_has_the_seed_layout(built_book):
    repo, html, _ = built_book
    page = _soup(html / "modules" / "04_losses" / "index.html")
    main = page.select_one("main")
    h1 = _text(main.select_one("h1"))
    assert "Losses" in h1 and "04" in h1, h1
    headings = [_text(h).lower().replace("’", "'").rstrip("#").strip()
                for h in main.select("h2")]
    for wanted in SECTIONS_04:
        assert any(h.startswith(wanted.split(" (")[0]) for h in headings), (
            f"Module 04 page has no '{wanted}' section; it has {headings}")
    # the shapes table: one row per loss, with the (N, C) logits
    shapes = [t for t in main.select("table")
              if {"Predictions", "Targets"} <= {_text(th) for th in
                                                t.select("th")}]
    assert shapes, "no shapes table (Predictions / Targets columns)"
    rows = {_text(tr.select_one("td")): _text(tr) for tr in
            shapes[0].select("tbody tr")}
    assert {"MSE", "cross-entropy", "binary cross-entropy"} <= set(rows), rows
    assert "(N, C)" in rows["cross-entropy"]
    # the figure of the losses, drawn by src/04_losses/figures/losses.py
    images = [img["src"] for img in main.select("img")]
    figure = [src for src in images if src.endswith("losses.png")]
    assert figure, images
    png = (html / "modules" / "04_losses" / figure[0]).resolve()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000
    # maths, typeset by MathJax in the browser
    assert main.select(".math"), "no maths on the Module 04 page"
    # Check your understanding: answers fold out (dropdown admonitions)
    section = next(h for h in main.select("h2")
                   if _text(h).lower().startswith("check your"))
    answers = section.find_parent("section").select(
        "details, .dropdown, .toggle")
    assert len(answers) >= 3, f"{len(answers)} dropdown answers"


def test_no_broken_internal_links_or_anchors(built_book):
    _, html, _ = built_book
    ids: dict[Path, set[str]] = {}

    def anchors(path: Path) -> set[str]:
        if path not in ids:
            ids[path] = {el["id"] for el in _soup(path).select("[id]")}
        return ids[path]

    broken, checked = [], 0
    for page in _pages(html):
        soup = _soup(page)
        refs = [(el, "href") for el in soup.select("a[href], link[href]")]
        refs += [(el, "src") for el in soup.select("img[src], script[src]")]
        for el, attr in refs:
            url = el[attr]
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue
            checked += 1
            target = (page.parent / unquote(parts.path)).resolve() \
                if parts.path else page
            where = f"{page.relative_to(html)} -> {url}"
            if not target.exists():
                broken.append(f"{where}: no such file")
            elif parts.fragment and target.suffix == ".html" and \
                    unquote(parts.fragment) not in anchors(target):
                broken.append(f"{where}: no anchor #{parts.fragment}")
    assert checked > 100, f"only {checked} internal links checked"
    assert not broken, "\n".join(broken[:20])


def test_the_book_loads_nothing_from_the_network(built_book):
    _, html, _ = built_book
    remote = []
    for page in _pages(html):
        soup = _soup(page)
        for el in soup.select("script[src], img[src]"):
            if urlsplit(el["src"]).scheme or el["src"].startswith("//"):
                remote.append(f"{page.relative_to(html)}: {el['src']}")
        for el in soup.select("link[rel~=stylesheet][href]"):
            if urlsplit(el["href"]).scheme or el["href"].startswith("//"):
                remote.append(f"{page.relative_to(html)}: {el['href']}")
    assert not remote, "\n".join(remote[:10])
    page = _soup(html / "modules" / "04_losses" / "index.html")
    mathjax = [s["src"] for s in page.select("script[src]")
               if "mathjax" in s["src"].lower()]
    assert mathjax, "no MathJax script on the Module 04 page"
    local = (html / "modules" / "04_losses" / mathjax[0]).resolve()
    assert local.is_file() and local.stat().st_size > 100_000, local


def _launch_targets(url: str, config: dict) -> tuple[str, str] | None:
    """(kind, repository path) of a Binder or Colab link, else None."""
    parts = urlsplit(url)
    repo_url = config["repository"]["url"].rstrip("/")
    org, repo = urlsplit(repo_url).path.strip("/").split("/")
    if parts.netloc == "mybinder.org":
        expected = f"/v2/gh/{org}/{repo}/{config['repository']['branch']}"
        assert parts.path == expected, f"{url}: not {expected}"
        query = parse_qs(parts.query)
        if "labpath" in query:
            return "binder", query["labpath"][0]
        urlpath = query.get("urlpath", [""])[0]
        assert urlpath.startswith(("lab/tree/", "tree/")), url
        return "binder", urlpath.split("tree/", 1)[1]
    if parts.netloc == "colab.research.google.com":
        match = re.match(rf"^/github/{org}/{repo}/blob/[^/]+/(.+)$",
                         parts.path)
        assert match, f"{url}: not a Colab link to {org}/{repo}"
        return "colab", match.group(1)
    return None


def test_launch_links_open_learner_notebooks(built_book):
    """Each notebook page launches its own notebook; a module's guide
    launches its notebooks (the core, and an optional stretch one)."""
    repo, html, _ = built_book
    config = _config(repo)
    notebooks = {m.slug: [p.slug for p in m.all_parts]
                 for m in _modules(repo)}
    found: dict[str, set[str]] = {}
    wrong = []
    for page in _pages(html):
        for a in _soup(page).select("a[href]"):
            target = _launch_targets(a["href"], config)
            if target is None:
                continue
            kind, path = target
            match = re.fullmatch(r"modules/(\w+)/(\w+)\.ipynb", path)
            if not match or match.group(2) not in notebooks.get(
                    match.group(1), []):
                wrong.append(f"{page.relative_to(html)}: {a['href']}")
                continue
            found.setdefault(str(page.relative_to(html)), set()).add(
                match.group(2))
    assert not wrong, ("launch links that do not open a learner notebook "
                       "(modules/NN_name/NN_name[_stretch].ipynb):\n"
                       + "\n".join(wrong))
    assert notebooks["04_losses"] == ["04_losses", "04_losses_stretch"]
    for slug, parts in notebooks.items():
        assert found.get(f"modules/{slug}/index.html") == set(parts), slug
        for part in parts:
            page = f"modules/{slug}/{part}.html"
            assert found.get(page) == {part}, (
                f"{page} should launch modules/{slug}/{part}.ipynb only; "
                f"it launches {found.get(page)}")


def test_book_carries_no_solutions(built_book):
    """The rendered and downloadable notebooks are the learner notebooks."""
    import nbformat

    from tito.commands.check import leaks
    from tito.core.notebooks import instructor_notebook, learner_notebook

    repo, html, _ = built_book
    parts = [p for m in _modules(repo) for p in m.all_parts]
    assert "04_losses_stretch" in [p.slug for p in parts]
    for module in parts:
        instructor = instructor_notebook(module)
        folder = module.module.slug
        download = html / "_sources" / "modules" / folder / \
            f"{module.slug}.ipynb"
        assert download.is_file(), f"no downloadable notebook: {download}"
        nb = nbformat.reads(download.read_text(encoding="utf-8"),
                            as_version=4)
        assert [c.source for c in nb.cells] == \
            [c.source for c in learner_notebook(module).cells]
        assert leaks(instructor, nb, module.slug) == []
        page = (html / "modules" / folder /
                f"{module.slug}.html").read_text(encoding="utf-8")
        assert "NotImplementedError" in page
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS"):
            for path in html.rglob("*"):
                if path.suffix in (".html", ".ipynb", ".md", ".txt", ".js") \
                        and "_static" not in path.parts:
                    assert marker not in path.read_text(
                        encoding="utf-8", errors="replace"), (marker, path)


# ----------------------------------------------------- failures, staging


def test_a_warning_fails_the_build_and_names_the_source_line(tmp_path):
    need_jupyter_book()
    repo = copy_repo(tmp_path / "repo")
    about = repo / "src" / "04_losses" / "ABOUT.md"
    lines = about.read_text(encoding="utf-8").split("\n")
    lines += ["", "```{no-such-directive}", "```", "",
              "See [a page that does not exist](missing.md).", ""]
    about.write_text("\n".join(lines), encoding="utf-8")
    bad_directive = len(lines) - 4   # 1-based line of the directive
    bad_link = len(lines) - 1
    result = run_tito(repo, "book")
    assert result.returncode == 1, result.stdout + result.stderr
    err = result.stderr.strip().split("\n")
    assert len(err) == 2, result.stderr
    assert err[0].startswith("tito book: error: the book did not build: 2 ")
    assert err[1].startswith("  hint: ") and "book/_build/build.log" in err[1]
    assert (f"src/04_losses/ABOUT.md:{bad_directive}: WARNING: Unknown "
            "directive type: 'no-such-directive'") in result.stdout
    assert f"src/04_losses/ABOUT.md:{bad_link}: WARNING:" in result.stdout
    assert "missing" in result.stdout


def test_missing_guide_and_bad_config_are_one_line_errors(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    (repo / "src" / "03_layers" / "ABOUT.md").unlink()
    result = run_tito(repo, "book", "--stage-only")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "tito book: error: src/03_layers/ABOUT.md is missing",
        "  hint: every module needs a guide: it is the module's page in the "
        "book"]

    repo = copy_repo(tmp_path / "repo2")
    config = repo / "book" / "_config.yml"
    config.write_text(config.read_text().replace(
        "https://github.com/", "https://example.org/"))
    result = run_tito(repo, "book", "--stage-only")
    assert result.returncode == 1
    assert "repository.url must be https://github.com/ORG/REPO" in \
        result.stderr
    assert len(result.stderr.splitlines()) == 2


def test_a_missing_docs_extension_is_a_one_line_error(tmp_path):
    need_jupyter_book()
    repo = copy_repo(tmp_path / "repo")
    config = repo / "book" / "_config.yml"
    config.write_text(config.read_text().replace(
        "- sphinx-mathjax-offline", "- sphinx-not-installed-here"))
    result = run_tito(repo, "book")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "tito book: error: the Sphinx extension 'sphinx-not-installed-here' "
        "named in book/_config.yml is not installed",
        '  hint: install the docs extra: pip install -e ".[docs]"']
    assert not (repo / "book" / "_build").exists()


def test_stage_only_writes_the_toc_and_learner_notebooks(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    result = run_tito(repo, "book", "--stage-only")
    assert result.returncode == 0, result.stderr
    stage = repo / "book" / "_build" / "source"
    toc = yaml.safe_load((stage / "_toc.yml").read_text())
    part = next(p for p in toc["parts"] if p["caption"] == "Modules")
    slugs = [m.slug for m in _modules(repo)]
    assert [c["file"] for c in part["chapters"]] == \
        [f"modules/{s}/index" for s in slugs]
    # one section per notebook: the core, then an optional part
    assert [[s["file"] for s in c["sections"]] for c in part["chapters"]] \
        == [[f"modules/{m.slug}/{p.slug}" for p in m.all_parts]
            for m in _modules(repo)]
    staged = sorted(p.relative_to(stage / "modules").as_posix()
                    for p in (stage / "modules").rglob("*.ipynb"))
    assert staged == sorted(f"{m.slug}/{p.slug}.ipynb" for m in _modules(repo)
                            for p in m.all_parts)
    for name in staged:
        text = (stage / "modules" / name).read_text()
        assert "BEGIN SOLUTION" not in text and "NotImplementedError" in text
    # the committed tree is not touched
    assert not (repo / "modules").exists()


def test_config_repository_matches_pyproject():
    """book/_config.yml names the repository pyproject.toml names."""
    from _support import ROOT

    config = _config(ROOT)
    source = re.search(r'^Source\s*=\s*"([^"]+)"',
                       (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
    assert source, "pyproject.toml has no [project.urls] Source"
    assert config["repository"]["url"].rstrip("/") == \
        source.group(1).rstrip("/")


def test_launch_links_come_from_the_config():
    from tito.commands.book import launch_links

    config = {"repository": {"url": "https://github.com/someone/course",
                             "branch": "spring"},
              "launch_buttons": {"binderhub_url": "https://hub.example/"}}
    links = launch_links(config, "04_losses")
    assert links == {
        "binder": "https://hub.example/v2/gh/someone/course/spring"
                  "?urlpath=lab/tree/modules/04_losses/04_losses.ipynb",
        "source": "https://github.com/someone/course/blob/spring/"
                  "src/04_losses/04_losses.py",
    }
    config["tinytorch"] = {"colab_branch": "learner"}
    assert launch_links(config, "04_losses")["colab"] == (
        "https://colab.research.google.com/github/someone/course/blob/"
        "learner/modules/04_losses/04_losses.ipynb")


@pytest.mark.parametrize("text, expected", [
    ("# T\n\nintro\n\n## First\n", 4),
    ("# T\n```md\n## not a heading\n```\n## Real\n", 4),
    ("# T\n````{tab-set}\n```python\n## x\n```\n## y\n````\n## Real\n", 7),
    ("# T\n:::{note}\n## inside\n:::\n## Real\n", 4),
    ("# T\n\nno second-level heading\n", 4),
])
def test_launch_block_goes_before_the_first_section(text, expected):
    from tito.commands.book import insertion_line

    assert insertion_line(text.split("\n")) == expected
