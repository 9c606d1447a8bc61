"""The module registry: a module's core and its optional part, and their names.

Every path a command uses (notebook, reference notebook, package file,
tests, nbgrader assignment) comes from a Part; `--module` names a whole
module (`04`, `losses`, `04_losses`) or one optional part
(`04_losses_stretch`, `losses_stretch`).
"""

from __future__ import annotations

import pytest

from _support import ROOT
from tito.core.errors import TitoError
from tito.core.project import Module, resolve, select, stray_sources


def _paths(part) -> dict[str, str]:
    return {
        "source": part.rel(part.source),
        "notebook": part.rel(part.notebook),
        "reference": part.rel(part.reference_notebook),
        "package": part.rel(part.package_file),
    }


def test_module_04_has_a_core_and_an_optional_stretch_part():
    module = Module(ROOT, "04_losses")
    core, stretch = module.parts
    assert (core.slug, core.optional, core.kind) == ("04_losses", False,
                                                     "core")
    assert (stretch.slug, stretch.optional, stretch.kind) == (
        "04_losses_stretch", True, "stretch")
    assert _paths(core) == {
        "source": "src/04_losses/04_losses.py",
        "notebook": "modules/04_losses/04_losses.ipynb",
        "reference": ".tito/build/04_losses/04_losses.ipynb",
        "package": "tinytorch/core/losses.py"}
    assert _paths(stretch) == {
        "source": "src/04_losses/04_losses_stretch.py",
        "notebook": "modules/04_losses/04_losses_stretch.ipynb",
        "reference": ".tito/build/04_losses/04_losses_stretch.ipynb",
        "package": "tinytorch/core/losses_stretch.py"}
    assert (core.default_exp, stretch.default_exp) == (
        "core.losses", "core.losses_stretch")
    assert (core.import_name, stretch.import_name) == (
        "tinytorch.core.losses", "tinytorch.core.losses_stretch")
    assert (core.assignment, stretch.assignment) == (
        "04_losses", "04_losses_stretch")
    assert core.backups_dir == stretch.backups_dir == \
        ROOT / "modules" / "04_losses" / "backups"
    # grade_ids of the stretch start with its name (tito check enforces)
    assert (core.name, stretch.name) == ("losses", "losses-stretch")


def test_modules_without_an_optional_part_have_one():
    for slug in ("01_tensor", "02_activations", "03_layers"):
        module = Module(ROOT, slug)
        assert [p.slug for p in module.parts] == [slug]
        assert module.core.package_file == module.package_file


def test_package_tests_split_by_part():
    core, stretch = Module(ROOT, "04_losses").parts
    core_files = {p.name for p in core.test_files}
    stretch_files = {p.name for p in stretch.test_files}
    assert stretch_files and core_files
    assert all(n.startswith("test_stretch_") for n in stretch_files)
    assert not any(n.startswith("test_stretch_") for n in core_files)
    every = {p.name for p in (ROOT / "tests" / "04_losses").glob("test_*.py")}
    assert core_files | stretch_files == every
    assert not core_files & stretch_files


def test_the_stretch_part_needs_its_core():
    core, stretch = Module(ROOT, "04_losses").parts
    assert "04_losses" not in (core.meta.get("prerequisites") or [])
    assert stretch.meta["prerequisites"] == [
        *core.meta["prerequisites"], "04_losses"]


@pytest.mark.parametrize("name", ["04", "4", "losses", "04_losses",
                                  " 04_Losses "])
def test_a_module_name_selects_every_part(name):
    module = resolve(ROOT, name)
    assert module.label == "04_losses"
    assert [p.slug for p in module.parts] == ["04_losses",
                                              "04_losses_stretch"]


@pytest.mark.parametrize("name", ["04_losses_stretch", "losses_stretch"])
def test_a_part_name_selects_that_part_alone(name):
    module = resolve(ROOT, name)
    assert module.label == "04_losses_stretch"
    assert [p.slug for p in module.parts] == ["04_losses_stretch"]
    # the module's own properties still name its core
    assert module.core.slug == "04_losses"


def test_an_unknown_name_suggests_a_part_too():
    with pytest.raises(TitoError) as err:
        resolve(ROOT, "04_losses_strech")
    assert err.value.code == 2
    assert "did you mean --module 04_losses_stretch?" in err.value.hint


def test_all_selects_every_module_with_every_part():
    modules = select(ROOT, None, True)
    parts = [p.slug for m in modules for p in m.parts]
    assert parts == ["01_tensor", "02_activations", "03_layers",
                     "04_losses", "04_losses_stretch"]


def test_a_stray_source_in_a_module_folder_is_found(repo):
    (repo / "src" / "04_losses" / "04_losses_strech.py").write_text(
        "# %%\n", encoding="utf-8")
    module = Module(repo, "04_losses")
    assert [p.name for p in stray_sources(module)] == ["04_losses_strech.py"]
    # a misspelt part is not a part
    assert [p.slug for p in module.parts] == ["04_losses",
                                              "04_losses_stretch"]
