"""`tito notebook --reset/--restore`: per notebook, safe to repeat, no empty copies.

Checked on the files themselves (bytes and counts), not on the wording:

- reset saves the notebook before replacing it; a second reset of a fresh
  notebook changes nothing and writes nothing;
- restore brings back what reset saved; a second restore changes nothing
  (it never brings back the blank notebook that the first one replaced);
- a notebook identical to a backup that exists is not copied again;
- `--module 04_losses_stretch` touches the stretch notebook only, and a
  backup of one notebook is never restored into the other.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from _support import tito

pytestmark = pytest.mark.slow

CORE = Path("modules/04_losses/04_losses.ipynb")
STRETCH = Path("modules/04_losses/04_losses_stretch.ipynb")
BACKUPS = Path("modules/04_losses/backups")


def _backups(repo) -> dict[str, bytes]:
    folder = repo / BACKUPS
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} \
        if folder.is_dir() else {}


def _edit(repo, path: Path, note: str) -> bytes:
    nb = json.loads((repo / path).read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "markdown", "id": f"note-{len(note)}",
                        "metadata": {}, "source": note})
    (repo / path).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return (repo / path).read_bytes()


def _ok(repo, *args):
    r = tito(repo, "notebook", "--module", *args)
    assert r.returncode == 0, r.stdout + r.stderr
    return r


def test_reset_and_restore_twice_are_safe(repo):
    _ok(repo, "04")
    fresh = (repo / CORE).read_bytes()
    fresh_stretch = (repo / STRETCH).read_bytes()

    # reset of fresh notebooks: nothing to save, nothing changes
    _ok(repo, "04", "--reset")
    assert _backups(repo) == {}
    assert (repo / CORE).read_bytes() == fresh

    mine = _edit(repo, CORE, "my precious notes")
    r = _ok(repo, "04", "--reset")
    saved = _backups(repo)
    assert list(saved.values()) == [mine]  # exactly one copy: the work
    (name,) = saved
    assert re.fullmatch(r"04_losses\.\d{8}-\d{6}-\d{6}\.reset\.ipynb", name)
    assert str(BACKUPS / name) in r.stdout  # the path is named
    assert (repo / CORE).read_bytes() == fresh
    assert (repo / STRETCH).read_bytes() == fresh_stretch

    # restore: the work comes back; the fresh copy it replaced is not kept
    _ok(repo, "04", "--restore")
    assert (repo / CORE).read_bytes() == mine
    assert _backups(repo) == saved
    # restoring again changes nothing: not the blank notebook, no new copy
    _ok(repo, "04", "--restore")
    assert (repo / CORE).read_bytes() == mine
    assert _backups(repo) == saved

    # work edited after a restore is saved (as a .restore copy) before an
    # older copy replaces it; restoring that copy by name brings it back
    later = _edit(repo, CORE, "later notes")
    _ok(repo, "04", "--restore")
    assert (repo / CORE).read_bytes() == mine
    after = _backups(repo)
    new = {n: b for n, b in after.items() if n not in saved}
    assert list(new.values()) == [later]
    (restore_copy,) = new
    assert restore_copy.endswith(".restore.ipynb")
    # a plain --restore still means the copy --reset made, not this one
    _ok(repo, "04", "--restore")
    assert (repo / CORE).read_bytes() == mine
    _ok(repo, "04", "--restore", restore_copy)
    assert (repo / CORE).read_bytes() == later
    # `mine` was already saved (by the reset): not copied a second time
    assert _backups(repo) == after


def test_identical_content_is_never_copied_twice(repo):
    _ok(repo, "04")
    mine = _edit(repo, CORE, "notes")
    _ok(repo, "04", "--reset")
    (repo / CORE).write_bytes(mine)  # the learner puts the same work back
    _ok(repo, "04", "--reset")
    assert list(_backups(repo).values()) == [mine]


def test_each_notebook_is_reset_and_restored_on_its_own(repo):
    _ok(repo, "04")
    core = _edit(repo, CORE, "core work")
    stretch = _edit(repo, STRETCH, "stretch work")
    _ok(repo, "04_losses_stretch", "--reset")
    assert (repo / CORE).read_bytes() == core  # untouched
    assert list(_backups(repo)) and all(
        n.startswith("04_losses_stretch.") for n in _backups(repo))
    # the module's restore: the stretch gets its copy back, the core has
    # no copy made by --reset and is left as it is
    _ok(repo, "04", "--restore")
    assert (repo / STRETCH).read_bytes() == stretch
    assert (repo / CORE).read_bytes() == core
    # a stretch backup named for the core module goes to the stretch only
    (name,) = _backups(repo)
    _edit(repo, STRETCH, "more")
    _ok(repo, "04", "--restore", name)
    assert (repo / STRETCH).read_bytes() == stretch
    assert (repo / CORE).read_bytes() == core


def test_restore_without_any_reset_copy_is_one_clear_error(repo):
    _ok(repo, "04")
    before = (repo / CORE).read_bytes()
    r = tito(repo, "notebook", "--module", "04", "--restore")
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[1].lstrip().startswith("hint:"), lines
    assert (repo / CORE).read_bytes() == before
    assert _backups(repo) == {}


def test_list_backups_shows_every_copy_and_why(repo):
    _ok(repo, "04")
    _edit(repo, CORE, "a")
    _ok(repo, "04", "--reset")
    _edit(repo, CORE, "b")
    _ok(repo, "04", "--restore")
    r = _ok(repo, "04", "--list-backups")
    names = re.findall(r"^\s+(04_losses\.\S+\.ipynb)", r.stdout, re.MULTILINE)
    assert sorted(names) == sorted(_backups(repo))
    assert len(names) == 2
    assert re.search(r"^04_losses_stretch: 0 backup", r.stdout, re.MULTILINE)
