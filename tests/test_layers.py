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
