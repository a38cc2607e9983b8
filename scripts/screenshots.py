"""Screenshots of every tab with demo data at 1366×768 → docs/screenshots/ (run: python scripts/screenshots.py)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QAbstractItemDelegate, QApplication  # noqa: E402

from app.services.demo import create_demo_store  # noqa: E402
from app.services.store import Changed  # noqa: E402
from app.ui.app import configure_application  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402

SLUGS = ["1-roster", "2-exams", "3-declarations", "4-draw", "5-speech", "6-recommendation", "7-results", "8-selection",
         "9-scheme"]


def main(out: Path = ROOT / "docs" / "screenshots") -> list[Path]:
    app = QApplication.instance() or QApplication([])
    configure_application(app)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = create_demo_store(Path(tmp) / "demo.db", operator="王敏", people=60, posts=12)
        prepare(store)
        window = MainWindow(store)
        window.resize(1366, 768)
        window.show()
        written = []
        # 双向选择 before the first pick: 申报科室 being typed (three people still undeclared).
        window.tabs.setCurrentIndex(SLUGS.index("8-selection"))
        for _ in range(5):
            app.processEvents()
        page = window.tabs.currentWidget()
        if page.persons.rowCount():
            page.focus_declarations()
            page.person_view.edit(page.person_view.currentIndex())
            for _ in range(3):
                app.processEvents()
            editor = QApplication.focusWidget()
            if hasattr(editor, "setText"):
                editor.setText("P03 财务科")
            path = out / "tab-8-selection-declare.png"
            window.grab().save(str(path))
            written.append(path)
            page.person_view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.RevertModelCache)
        first_picks(store)
        window.bench.changed.emit(Changed.ALL)
        for i, slug in enumerate(SLUGS):
            window.tabs.setCurrentIndex(i)
            for _ in range(5):
                app.processEvents()
            path = out / f"tab-{slug}.png"
            window.grab().save(str(path))
            written.append(path)
        window.close()
        store.close()
    return written


def prepare(store) -> None:
    """A demo as it looks mid-meeting: the speech draw done (so the order is the drawn one), the 科长
    published and the first 科员 round of the two-way selection under way."""
    try:
        from app.services import draws
        draws.program_draw(store, "竞岗演讲", "20261123")
    except Exception as err:  # the screenshots still show everything else
        print("draw skipped:", err)
    try:
        from app.services import selection, stages
        stages.publish_through(store, "assignment", "jd2026")
        offices = sorted(selection.chiefs(store))
        staff = [p for p in selection.load_state(store).persons if p.kind == "staff" and not p.no_rotation]
        for i, person in enumerate(staff[:-3]):                 # the last three have not declared yet
            selection.set_choice(store, person.id, "staff", [offices[i % len(offices)], offices[(i + 1) % len(offices)]])
    except Exception as err:
        print("selection skipped:", err)


def first_picks(store) -> None:
    """Three 科 have picked in 科员定岗 round 1 (each the first person who declared it first)."""
    try:
        from app.services import selection
        state = selection.load_state(store)
        for office in [o.name for o in state.offices][:3]:
            person = next(p.id for p in state.persons if p.declared[:1] == (office,))
            selection.pick(store, state.round_no, office, person)
    except Exception as err:
        print("selection picks skipped:", err)


if __name__ == "__main__":
    for p in main():
        print(p)
