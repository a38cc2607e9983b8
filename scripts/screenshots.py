"""Screenshots of every tab with demo data at 1366×768 → docs/screenshots/ (run: python scripts/screenshots.py)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services.demo import create_demo_store  # noqa: E402
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
        from app.services import roster, selection, stages
        for _ in range(3):
            stages.advance(store, "assignment")
        offices = sorted(selection.chiefs(store))
        staff = [p for p, _ in roster.list_people(store) if p.category == "行政一般" and not p.no_rotation][:12]
        for i, person in enumerate(staff):
            selection.set_choice(store, person.id, "staff", [offices[i % len(offices)], offices[(i + 1) % len(offices)]])
        first = selection.load_state(store)
        for i, office in enumerate(offices[:3]):      # staff[i] declared offices[i] first
            selection.pick(store, first.round_no, office, staff[i].id)
    except Exception as err:
        print("selection skipped:", err)


if __name__ == "__main__":
    for p in main():
        print(p)
