"""The layers of docs/architecture.md hold: imports run one way (import-linter's contracts in
pyproject.toml), migrations depend one way, and a back-import is caught."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
PACKAGES = CONFIG["root_packages"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# Each package's layer, top (0) to bottom, from the layers contract; siblings share one.
LAYERS = next(c["layers"] for c in CONFIG["contracts"] if c["id"] == "layers")
LAYER_OF = {
    package.strip(): depth for depth, layer in enumerate(LAYERS) for package in layer.split("|")
}
# App labels that differ from their package (accounts keeps the user model's first label).
PACKAGE_OF_LABEL = {"peacecentre": "accounts", "outbox": "common"}


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_package_is_in_a_layer():
    assert set(PACKAGES) == set(LAYER_OF)
    on_disk = {
        path.parent.name for path in ROOT.glob("*/apps.py") if path.parent.name not in ("tests",)
    } | {"peacecentre"}
    assert on_disk <= set(PACKAGES), on_disk - set(PACKAGES)


def test_imports_run_one_way():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "imports", "complaint"),
    [
        (
            "personnel/_back.py",
            "from readiness import models",
            "personnel is not allowed to import readiness",
        ),
        ("courses/_back.py", "import reports.kinds", "courses is not allowed to import reports"),
        (
            "common/_back.py",
            "from accounts import roles",
            "common is not allowed to import accounts",
        ),
        ("readiness/_back.py", "from devtools import demo", "readiness._back -> devtools"),
    ],
)
def test_a_back_import_breaks_the_layers(tmp_path, module, imports, complaint):
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.html", "*.po", "*.mo"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    assert lint_imports(tmp_path).returncode == 0  # the copy holds, as the tree does
    (tmp_path / module).write_text(f"{imports}  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert complaint in result.stdout


# Released before the layers existed and kept as released (an applied migration never changes):
# the roles migration grants the permissions of the apps above it, and personnel's requirement
# profiles referred to courses' certification types until they moved to readiness.
RELEASED_BEFORE_THE_LAYERS = {
    "peacecentre.0002_roles -> personnel.0001_initial",
    "peacecentre.0002_roles -> courses.0003_score_range_trigger",
    "personnel.0001_initial -> courses.0001_initial",
    "personnel.0006_requirement_profiles -> courses.0001_initial",
    "personnel.0010_unit_history_profile_m2m_history -> courses.0005_gradebook",
}


def test_migrations_depend_one_way():
    """A migration depends on its own app's or on apps below it (a model refers down only)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    upward = []
    for (label, name), node in graph.nodes.items():
        package = PACKAGE_OF_LABEL.get(label, label)
        if package not in LAYER_OF:
            continue  # Django's and the libraries' own
        for dependency_label, dependency in node.dependencies:
            other = PACKAGE_OF_LABEL.get(dependency_label, dependency_label)
            if other in LAYER_OF and LAYER_OF[other] < LAYER_OF[package]:
                upward.append(f"{label}.{name} -> {dependency_label}.{dependency}")
    assert sorted(set(upward) - RELEASED_BEFORE_THE_LAYERS) == []
    assert set(upward) >= RELEASED_BEFORE_THE_LAYERS  # the list names real migrations
