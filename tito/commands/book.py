"""Build the course book (HTML) from the module guides and learner notebooks.

Stages book/ (config, contents, hand-written pages) together with every
module's guide (src/NN_name/ABOUT.md, with launch links added) and a freshly
built learner notebook (solutions removed) for each of its parts (the core,
and an optional stretch notebook) under book/_build/source/, then runs
Jupyter Book with warnings as errors. The HTML is in book/_build/html/.
Launch links take the repository and branch from book/_config.yml.
"""

from __future__ import annotations

import re

EXAMPLES = """\
examples:
  tito book                 # build book/_build/html/index.html
  tito book --stage-only    # only write book/_build/source/ (no Sphinx run)

needs the docs extra: pip install -e ".[docs]"
"""

STAGE = ("_build", "source")   # under book/: the staged Sphinx source
HTML = ("_build", "html")      # under book/: the built site
LOG = ("_build", "build.log")  # under book/: the full Jupyter Book log
MODULES_CAPTION = "Modules"
BINDER_DEFAULT = "https://mybinder.org"
COLAB = "https://colab.research.google.com"
FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,}|:{3,})")
PROGRESS_RE = re.compile(
    r"^(reading sources|writing output)\.\.\. \[\s*\d+%\]")
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


def add_arguments(parser) -> None:
    parser.add_argument("--stage-only", action="store_true",
                        help="write the staged source (book/_build/source/) "
                        "but do not run Jupyter Book")


# --------------------------------------------------------------- settings


def load_settings(root):
    """book/_config.yml and book/_toc.yml, read and checked."""
    import yaml

    from tito.core.errors import TitoError

    found = {}
    for name in ("_config.yml", "_toc.yml"):
        path = root / "book" / name
        if not path.is_file():
            raise TitoError(f"book/{name} is missing",
                            hint="restore it from git: the book cannot be "
                            "built without it")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark else ""
            raise TitoError(f"book/{name} is not valid YAML{where}",
                            hint="fix the indentation or quoting there") \
                from None
        if not isinstance(data, dict):
            raise TitoError(f"book/{name} is not a YAML mapping",
                            hint="compare it with the version in git")
        found[name] = data
    return found["_config.yml"], found["_toc.yml"]


def github_repository(config: dict):
    """The course repository (tito.core.project.repository), which the
    book needs on GitHub with a branch: launch links are built from it."""
    from tito.core.errors import TitoError
    from tito.core.project import repository

    repo = repository(config=config)
    if repo.github is None or not repo.configured:
        section = config.get("repository") or {}
        url = str(section.get("url", "")).strip()
        branch = str(section.get("branch", "")).strip()
        raise TitoError(
            "book/_config.yml: repository.url must be https://github.com/"
            f"ORG/REPO and repository.branch set (got {url!r}, {branch!r})",
            hint="launch links for Binder and Colab are built from them")
    return repo


def launch_links(config: dict, slug: str,
                 notebook: str | None = None) -> dict[str, str]:
    """Where a notebook's launch links go. All open the learner notebook.

    `binder` and `colab` open modules/NN_name/NOTEBOOK.ipynb (NOTEBOOK is
    the module's slug for its core, `NN_name_stretch` for its optional
    part), the notebook binder/postBuild (or a publishing branch) provides
    with solutions removed; `source` is its source on GitHub.
    """
    repo = github_repository(config)
    org, name = repo.github
    url, branch = repo.url, repo.branch
    launch = config.get("launch_buttons") or {}
    binderhub = str(launch.get("binderhub_url") or BINDER_DEFAULT)
    stem = notebook or slug
    notebook = f"modules/{slug}/{stem}.ipynb"
    links = {
        "binder": f"{binderhub.rstrip('/')}/v2/gh/{org}/{name}/{branch}"
                  f"?urlpath=lab/tree/{notebook}",
        "source": f"{url}/blob/{branch}/src/{slug}/{stem}.py",
    }
    colab_branch = str((config.get("tinytorch") or {}).get("colab_branch")
                       or "").strip()
    if colab_branch:
        links["colab"] = (f"{COLAB}/github/{org}/{name}/blob/{colab_branch}/"
                          f"{notebook}")
    return links


# ---------------------------------------------------------------- staging


def launch_block(config: dict, module) -> str:
    """The MyST block added to a module's guide: how to open the notebook."""
    slug = module.slug
    links = launch_links(config, slug)
    optional = ""
    for part in module.all_parts[1:]:
        extra = launch_links(config, slug, part.slug)
        optional += (
            f"- **Optional {part.suffix} notebook** (extra points): "
            f"{{doc}}`read it <{part.slug}>`, or "
            f"[launch it on Binder]({extra['binder']}); `tito notebook` "
            f"creates `modules/{slug}/{part.slug}.ipynb` too.\n")
    if "colab" in links:
        colab = (f"[Open the notebook in Colab]({links['colab']}); its "
                 "first cell installs `tinytorch`.")
    else:
        colab = (f"download the notebook from {{doc}}`its page <{slug}>` "
                 "(the download button at the top), then in Colab choose "
                 "*File → Upload notebook*. Its first cell installs "
                 "`tinytorch`.")
    return f"""\
````{{grid}} 1 1 3 3
:gutter: 2

```{{grid-item-card}} 🚀 Launch on Binder
:link: {links['binder']}

Your notebook in JupyterLab in the browser; nothing to install.
Sessions are temporary: download your work.
```

```{{grid-item-card}} 📓 Read the notebook
:link: {slug}
:link-type: doc

The notebook as you get it: TODO stubs and tests, no solutions.
```

```{{grid-item-card}} 📄 View the source
:link: {links['source']}

The module's one source file, on GitHub.
```
````

- **On your computer:** follow the README's Quick start, then run
  `tito notebook --module {slug}` and open
  `modules/{slug}/{slug}.ipynb` in JupyterLab.
- **On Google Colab:** {colab}
{optional}"""


def insertion_line(lines: list[str]) -> int:
    """Index of the first `## ` heading outside code fences (or the end)."""
    fence = None
    for index, line in enumerate(lines):
        match = FENCE_RE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
            elif line.startswith("## "):
                return index
        elif match and set(match.group(1)) == set(fence) and \
                len(match.group(1)) >= len(fence) and \
                line.strip() == match.group(1):
            fence = None
    return len(lines)


def stage_guide(config: dict, module, target) -> tuple[int, int]:
    """Write the module's guide with its launch block; (line, count) added."""
    from tito.core.errors import TitoError
    from tito.core.fsutil import atomic_write_text

    about = module.src_dir / "ABOUT.md"
    if not about.is_file():
        raise TitoError(f"{module.rel(about)} is missing",
                        hint="every module needs a guide: it is the "
                        "module's page in the book")
    lines = about.read_text(encoding="utf-8").split("\n")
    at = insertion_line(lines)
    block = launch_block(config, module).split("\n")
    atomic_write_text(target, "\n".join(lines[:at] + block + lines[at:]))
    return at + 1, len(block)


def draw_figures(root, module, target) -> list:
    """Run each src/NN_name/figures/NAME.py as `python NAME.py target/NAME.png`
    (the guide shows figures/NAME.png); returns the PNGs written.

    The scripts draw with the package as exported (they import tinytorch),
    so every figure shows what the code computes.
    """
    import os
    import subprocess
    import sys

    from tito.core.errors import TitoError

    written = []
    for script in sorted((module.src_dir / "figures").glob("*.py")):
        target.mkdir(parents=True, exist_ok=True)
        png = target / f"{script.stem}.png"
        env = dict(os.environ, PYTHONPATH=str(root), MPLBACKEND="Agg",
                   PYTHONDONTWRITEBYTECODE="1")
        run = subprocess.run([sys.executable, str(script), str(png)],
                             cwd=root, env=env, capture_output=True,
                             text=True, timeout=300)
        if run.returncode != 0 or not png.is_file():
            lines = (run.stderr or run.stdout).strip().splitlines()
            raise TitoError(
                f"{module.rel(script)} did not draw its figure: "
                f"{lines[-1] if lines else 'no PNG written'}",
                hint="figures are drawn with the exported package; tito "
                "check says whether it matches src/")
        written.append(png)
    return written


def stage(root, config: dict, toc: dict, modules) -> dict:
    """Fill book/_build/source/; returns how to map staged lines back."""
    import shutil

    import yaml

    from tito.core.errors import TitoError
    from tito.core.fsutil import atomic_write_text
    from tito.core.notebooks import learner_notebook, write_notebook

    book = root / "book"
    target = book.joinpath(*STAGE)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(book, target, ignore=shutil.ignore_patterns(
        "_build", "_toc.yml", ".ipynb_checkpoints", "__pycache__"))

    chapters = []
    shifts = {}
    for module in modules:
        folder = target / "modules" / module.slug
        guide = folder / "index.md"
        shifts[guide] = (module.src_dir / "ABOUT.md",
                         *stage_guide(config, module, guide))
        draw_figures(root, module, folder / "figures")
        sections = []
        for part in module.all_parts:
            write_notebook(learner_notebook(part),
                           folder / f"{part.slug}.ipynb")
            sections.append({"file": f"modules/{module.slug}/{part.slug}",
                             "title": f"Notebook: {part.title}"})
        chapters.append({"file": f"modules/{module.slug}/index",
                         "sections": sections})

    parts = toc.get("parts") or []
    part = next((p for p in parts if isinstance(p, dict)
                 and p.get("caption") == MODULES_CAPTION), None)
    if part is None:
        raise TitoError(f"book/_toc.yml has no part with caption "
                        f"'{MODULES_CAPTION}'",
                        hint="tito book puts one chapter per module there; "
                        "restore the part from git")
    part["chapters"] = chapters
    atomic_write_text(target / "_toc.yml",
                      yaml.safe_dump(toc, sort_keys=False))
    return shifts


# --------------------------------------------------------------- building


DOCS_HINT = 'install the docs extra: pip install -e ".[docs]"'


def jupyter_book_command(config: dict | None = None):
    """The jupyter-book executable, after checking the docs extra is there."""
    import importlib.util
    import shutil
    import sys
    from pathlib import Path

    from tito.core.errors import TitoError

    here = Path(sys.executable).parent / "jupyter-book"
    found = str(here) if here.is_file() else shutil.which("jupyter-book")
    if not found:
        raise TitoError("jupyter-book is not installed", hint=DOCS_HINT)
    sphinx = (config or {}).get("sphinx") or {}
    for name in sphinx.get("extra_extensions") or []:
        if importlib.util.find_spec(name) is None:
            raise TitoError(f"the Sphinx extension {name!r} named in "
                            "book/_config.yml is not installed",
                            hint=DOCS_HINT)
    return found


def readable(line: str, root, shifts: dict) -> str:
    """A Sphinx message with staged paths turned back into source paths."""
    from pathlib import Path

    stage_dir = root.joinpath("book", *STAGE)

    def swap(match: re.Match) -> str:
        path, lineno = Path(match.group(1)), match.group(2)
        if path in shifts and lineno:
            source, at, count = shifts[path]
            number = int(lineno)
            if number >= at + count:
                number -= count
            elif number >= at:
                return f"{source.relative_to(root)} (launch links, added " \
                       f"by tito book):"
            return f"{source.relative_to(root)}:{number}:"
        try:
            rel = path.relative_to(stage_dir)
        except ValueError:
            return match.group(0)
        if rel.parts[:1] == ("modules",) and rel.suffix == ".ipynb":
            slug = rel.parts[1]
            return (f"learner notebook of src/{slug}/{rel.stem}.py "
                    f"({rel}{':' + lineno if lineno else ''}):")
        return f"book/{rel}{':' + lineno if lineno else ''}:"

    return re.sub(r"(/[^\s:]+)(?::(\d+))?:", swap, line, count=1)


def build(root, shifts: dict) -> list[str]:
    """Run Jupyter Book on the staged source; returns its problems."""
    import shutil
    import subprocess
    import sys

    book = root / "book"
    html = book.joinpath(*HTML)
    if html.exists():  # no stale pages from modules that are gone
        shutil.rmtree(html)
    command = [jupyter_book_command(), "build", str(book.joinpath(*STAGE)),
               "--path-output", str(book), "--builder", "html",
               "--warningiserror", "--keep-going", "--all"]
    log_lines = []
    tty = sys.stdout.isatty()
    with subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True,
                          encoding="utf-8", errors="replace") as proc:
        for line in proc.stdout:
            line = ANSI_RE.sub("", line)
            log_lines.append(line)
            if tty and PROGRESS_RE.match(line):
                print(f"\r  {line.strip()[:72]:<72}", end="", flush=True)
        code = proc.wait()
    if tty:
        print("\r" + " " * 76 + "\r", end="", flush=True)
    book.joinpath(*LOG).write_text("".join(log_lines), encoding="utf-8")
    problems = [readable(line.rstrip(), root, shifts) for line in log_lines
                if "WARNING:" in line or "ERROR:" in line
                or "CRITICAL:" in line]
    if code != 0 and not problems:
        tail = [line.rstrip() for line in log_lines if line.strip()][-3:]
        problems = tail or [f"jupyter-book exited with code {code}"]
    return problems


def run(args) -> int:
    from tito.core.errors import TitoError
    from tito.core.project import discover, find_root

    root = find_root()
    modules = discover(root)
    if not modules:
        raise TitoError("no modules found under src/",
                        hint="a module is src/NN_name/NN_name.py")
    config, toc = load_settings(root)
    if not args.stage_only:
        jupyter_book_command(config)  # fail early if the docs extra is missing
    notebooks = sum(len(m.all_parts) for m in modules)
    print(f"• staging the book: {len(modules)} module guide(s) and "
          f"{notebooks} learner notebook(s) -> book/{'/'.join(STAGE)}/")
    shifts = stage(root, config, toc, modules)
    if args.stage_only:
        print(f"✓ staged book/{'/'.join(STAGE)}/ (not built: --stage-only)")
        return 0
    print("• building HTML with Jupyter Book (warnings are errors)")
    problems = build(root, shifts)
    log = "book/" + "/".join(LOG)
    if problems:
        for problem in problems:
            print(f"  {problem}")
        raise TitoError(f"the book did not build: {len(problems)} "
                        f"warning(s) or error(s), listed above",
                        hint=f"fix them in the files named; the full log is "
                        f"{log}")
    html = root.joinpath("book", *HTML)
    pages = sum(1 for _ in html.rglob("*.html"))
    print(f"✓ built {pages} HTML pages: open "
          f"book/{'/'.join(HTML)}/index.html")
    for module in modules:
        page = html / "modules" / module.slug / "index.html"
        if page.is_file():
            print(f"  {module.slug}: {page.relative_to(root)}")
    return 0
