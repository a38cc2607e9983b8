"""Dependencies point one way: ui → services → core, services → models, reports → core (STYLE.md)."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"

# package → top-level modules it must never import
FORBIDDEN = {
    "core": {"PySide6", "sqlalchemy", "alembic", "reportlab", "openpyxl",
             "app.ui", "app.services", "app.models", "app.reports", "app.cli"},
    "models": {"PySide6", "app.ui", "app.services", "app.reports"},
    "services": {"PySide6", "app.ui"},
    "reports": {"PySide6", "sqlalchemy", "app.ui", "app.services", "app.models"},
    "ui": {"sqlalchemy", "alembic", "app.models"},      # the UI only calls services
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    package = ".".join(path.relative_to(APP.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                names.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                names.add(node.module)
    return names


def violations(layer: str) -> list[str]:
    bad = []
    for path in (APP / layer).rglob("*.py"):
        for name in imports_of(path):
            for banned in FORBIDDEN[layer]:
                if name == banned or name.startswith(banned + "."):
                    bad.append(f"{path.relative_to(APP)} imports {name}")
    return bad


def test_core_is_pure():
    assert violations("core") == []


def test_models_services_reports_keep_their_place():
    for layer in ("models", "services", "reports", "ui"):
        if (APP / layer).exists():
            assert violations(layer) == []


def test_the_checker_itself_sees_a_violation(tmp_path, monkeypatch):
    fake = tmp_path / "app" / "core"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text("from PySide6 import QtCore\nfrom ..ui import x\n", encoding="utf-8")
    import sys
    monkeypatch.setattr(sys.modules[__name__], "APP", tmp_path / "app")
    assert len(violations("core")) == 2


# What app/ui may take from app/core (issue 12: rules out of the views): named labels and constants
# (UPPER_CASE), formatting helpers, and the plain data types a view hands to a service. A view that
# needs a rule asks a service for finished rows.
UI_MAY_TAKE_FROM_CORE = {
    "Mark",             # a 唱票 mark as typed, handed to the ballot service
    "RosterPerson",     # a person as typed in the roster dialog, handed to the roster service
    "Scheme",           # the scheme as edited in 方案设置, handed to the scheme service
    "fold_fullwidth",   # ８８．５ → 88.5 as the clerk sees it echoed
}


def core_names_taken_by_ui() -> list[str]:
    """``module: name`` for every name app/ui imports from app/core that is not a constant or allowed."""
    bad = []
    for path in (APP / "ui").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            module = node.module if not node.level else node.module.removeprefix("app.")
            if module.split(".")[0] != "core" and not module.startswith("app.core"):
                continue
            bad.extend(f"{path.relative_to(APP)}: {module}.{alias.name}" for alias in node.names
                       if not (alias.name.isupper() or alias.name in UI_MAY_TAKE_FROM_CORE))
    return sorted(bad)


def test_ui_takes_only_labels_constants_and_plain_types_from_core():
    assert core_names_taken_by_ui() == []


def test_the_ui_checker_sees_a_rule_taken_from_core(tmp_path, monkeypatch):
    fake = tmp_path / "app" / "ui" / "tabs"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text("from ...core.scoring import trimmed_mean\nfrom ...core.scheme import GROUP_LABELS\n"
                                 "from app.core import selection as core\n", encoding="utf-8")
    import sys
    monkeypatch.setattr(sys.modules[__name__], "APP", tmp_path / "app")
    assert core_names_taken_by_ui() == ["ui/tabs/bad.py: app.core.selection", "ui/tabs/bad.py: core.scoring.trimmed_mean"]
