"""Screenshots of 扫描计票 in the GUI (issue 17, SPEC §12) → docs/screenshots/scan/.

The small campaign, 局领导 and 事业单位 on numbered paper ballots. 事业单位 is read aloud (唱票) *and*
scanned, with one planted difference. A folder of the campaign's own ballots (rendered at 200 dpi,
marked with a pen ✓, two ✓, or a small blot the reader leaves to a person, one page with its QR torn
off) is scanned through the 定岗推荐计票 tab; the screenshots catch the tab and the wall halfway, then
the review queue (待复核, 未识读的页, 唱票与扫描差异).

    python scripts/scan_screenshots.py [--out docs/screenshots/scan]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.core.ballots import AGREE, BLANK, Mark  # noqa: E402
from app.services import projector, scanning  # noqa: E402
from app.services.ballots import save_ballot  # noqa: E402
from app.services.store import Store  # noqa: E402
from app.ui.app import configure_application  # noqa: E402
from app.ui.projector import ProjectorFeed  # noqa: E402
from app.ui.projector_scenes import render_image  # noqa: E402
from app.ui.tabs.recommendation import RecommendationTab  # noqa: E402
from app.ui.tabs.scan_review import ReviewDialog  # noqa: E402
from app.ui.workbench import Workbench  # noqa: E402
from tests.scan_setup import Printed  # noqa: E402
from tests.scan_stack import paper_image  # noqa: E402


def papers(numbers: dict[str, list[str]]) -> list[tuple[str, str, dict[str, str]]]:
    leaders = [{"1001": "agree:P1", "1002": "agree:P1", "1003": "agree:P2"},
               {"1001": "doubt:agree:P1", "1002": "suggest:P3", "1003": "agree:P2"},
               {"1001": "agree:P1", "1002": "two:agree:P1,suggest:P3", "1003": "blank"},
               {"1001": "agree:P1", "1002": "agree:P1", "1003": "agree:P2"},
               {"1001": "agree:P1", "1002": "suggest:P2", "1003": "doubt:agree:P2"}]
    units = [{"1001": "agree:P1", "1002": "agree:P1", "1003": "agree:P2"},
             {"1001": "agree:P1", "1002": "suggest:P3", "1003": "agree:P2"},
             {"1001": "blank", "1002": "agree:P1", "1003": "agree:P2"}]
    return ([("leaders", n, m) for n, m in zip(numbers["leaders"], leaders)]
            + [("unit_heads", n, m) for n, m in zip(numbers["unit_heads"], units)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / "scan"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    configure_application(app)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.create(Path(tmp) / "c.db", title="2026年竞争轮岗", unit="某某局", supervisor_password="jd2026",
                             operator="王敏")
        printed = Printed(store, {"leaders": 7, "unit_heads": 10})
        numbers = {g: printed.numbers(g) for g in ("leaders", "unit_heads")}
        # 事业单位: read aloud first; the paper of its 2nd ballot says 李华 建议 P3, keyed as 同意 P1
        keyed = [{"1001": Mark(AGREE, "P1"), "1002": Mark(AGREE, "P1"), "1003": Mark(AGREE, "P2")},
                 {"1001": Mark(AGREE, "P1"), "1002": Mark(AGREE, "P1"), "1003": Mark(AGREE, "P2")},
                 {"1001": Mark(BLANK), "1002": Mark(AGREE, "P1"), "1003": Mark(AGREE, "P2")}]
        for number, marks in zip(numbers["unit_heads"], keyed):
            save_ballot(store, "unit_heads", marks, ballot_no=number)
        scanning.set_second_channel(store, "unit_heads", True)
        stack = papers(numbers)
        folder = Path(tmp) / "扫描件"
        folder.mkdir()
        layout = printed.layout
        for i, (_, number, marks) in enumerate(stack, start=1):
            image = paper_image(printed, number, marks, seed=i)
            if i == 4:                                   # the QR torn off: rejected, never guessed
                k = 200 / 25.4
                qx, qy, qs = (float(v) * k for v in layout.qr_mm)
                image[int(qy) - 4:int(qy + qs) + 4, int(qx) - 4:int(qx + qs) + 4] = 255
            Image.fromarray(image).save(folder / f"scan-{i:03d}.png", dpi=(200, 200))

        bench = Workbench(store, poll_ms=0)
        tab = RecommendationTab(bench)
        tab.resize(1356, 660)
        tab.show()
        feed = ProjectorFeed(bench)
        feed.state = projector.ProjectorState(scene=projector.TALLY)
        feed.attach()
        app.processEvents()
        bar = tab.scan_bar
        bar.scan_folder(folder)
        while bar.progress.pages < 5:                  # halfway: the worker reads on, nothing more is recorded
            app.processEvents()
        for w, h in ((1024, 768), (1920, 1080)):
            render_image(feed.data, feed.state, w, h).save(str(out / f"projector-scanning-{w}x{h}.png"))
        tab.grab().save(str(out / "tab-scanning.png"))
        while bar.running():
            app.processEvents()
        app.processEvents()
        tab.grab().save(str(out / "tab-scanned.png"))
        render_image(feed.data, feed.state, 1024, 768).save(str(out / "projector-difference-1024x768.png"))

        dialog = ReviewDialog(bench, tab)
        dialog.resize(1300, 720)
        dialog.show()
        app.processEvents()
        dialog.show_current()
        app.processEvents()
        dialog.grab().save(str(out / "review-queue.png"))
        dialog.queue.setFocus()
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        QTest.keyClick(dialog.queue, "1")             # 张明: the first box
        dialog.confirmer.setText("王敏")                # the same person: refused on screen
        row = next(i for i, it in enumerate(dialog.items) if it.decided)
        dialog.queue.setCurrentIndex(dialog.queue_model.index(row, 0))
        QTest.keyClick(dialog.queue, Qt.Key.Key_Return)
        app.processEvents()
        dialog.grab().save(str(out / "review-same-person.png"))
        dialog.tabs.setCurrentIndex(1)
        app.processEvents()
        dialog.grab().save(str(out / "review-rejected.png"))
        dialog.tabs.setCurrentIndex(2)
        dialog.diffs.setCurrentIndex(dialog.diff_model.index(0, 0))
        app.processEvents()
        dialog.grab().save(str(out / "review-differences.png"))
        dialog.close()
        store.close()
    for p in sorted(out.glob("*.png")):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
