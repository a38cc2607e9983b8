"""Screenshots of a 定岗推荐 count the 监督组 reconcile, seal and audit (issue 16, SPEC §10/§11).

The small campaign, 局领导 by numbered paper ballots (7 printed, 5 issued and returned), the other
groups as typed totals: the 唱票 panel with the accounting mid-count (a paper missing, one 作废); the
projector's tally scene with the accounting line, mid-count and after the close; the numbered
定岗推荐票, the 开票前确认单, the 抽查单 after an audit of 5 papers, the 定岗推荐结果 with the accounting,
the margin and the count's state — as PNG pages under docs/screenshots/count/.

    python scripts/count_screenshots.py [--out docs/screenshots/count]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.core.ballots import AGREE, BLANK, SUGGEST, Mark  # noqa: E402
from app.services import ballot_numbers, count, count_checks, projector  # noqa: E402
from app.services.ballot_checks import set_paper_count  # noqa: E402
from app.services.ballots import save_ballot  # noqa: E402
from app.services.campaign_io import import_campaign  # noqa: E402
from app.services.report_data import build_pdf  # noqa: E402
from app.services.store import Store  # noqa: E402
from app.ui.app import configure_application  # noqa: E402
from app.ui.projector_scenes import render_image  # noqa: E402
from app.ui.tabs.recommendation import RecommendationTab  # noqa: E402
from app.ui.workbench import Workbench  # noqa: E402
from tests.ballot_setup import PASSWORD, ballot_doc  # noqa: E402

PAPERS = ({"1001": Mark(AGREE, "P1"), "1002": Mark(AGREE, "P1"), "1003": Mark(AGREE, "P2")},
          {"1001": Mark(AGREE, "P1"), "1002": Mark(AGREE, "P1"), "1003": Mark(AGREE, "P2")},
          {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"), "1003": Mark(AGREE, "P2")},
          {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"), "1003": Mark(BLANK)})
PRINTED = "2026-03-02 10:30"


def pages(pdf: bytes, out: Path, slug: str, first: int = 1, last: int = 1) -> list[Path]:
    path = out / f"{slug}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(first), "-l", str(last), str(path), str(out / slug)],
                   check=True)
    path.unlink()
    return sorted(out.glob(f"{slug}-*.png"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / "count"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    app = QApplication.instance() or QApplication([])
    configure_application(app)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.create(Path(tmp) / "count.db", title="2026年竞争轮岗", unit="某某局",
                             supervisor_password=PASSWORD, operator="王敏")
        import_campaign(store, ballot_doc("leaders"))
        # the ballots printed: 7 numbered 局领导 papers (2 spare)
        written += pages(build_pdf(store, "定岗推荐票", numbered=True, print_counts={"leaders": 7}, printed=PRINTED),
                         out, "ballot")
        with store.read() as s:
            numbers = sorted(ballot_numbers.number_sets_in(s)["leaders"])
        set_paper_count(store, "leaders", "issued", 5)
        written += pages(build_pdf(store, "开票前确认单", printed=PRINTED), out, "opening")
        count.open_count(store, PASSWORD, digest=count.opening_figures(store).digest)
        for number, marks in zip(numbers, PAPERS[:3]):
            save_ballot(store, "leaders", marks, ballot_no=number)
        save_ballot(store, "leaders", {}, ballot_no=numbers[3], void=True)         # declared 作废
        set_paper_count(store, "leaders", "returned", 5)

        # the 唱票 panel mid-count: one paper still to enter, the next number keyed
        bench = Workbench(store, poll_ms=0)
        tab = RecommendationTab(bench)
        tab.resize(1366, 700)
        tab.show()
        app.processEvents()
        panel = tab.ballot_panel
        QTest.keyClicks(panel.number_edit, numbers[4])
        QTest.keyClick(panel.number_edit, Qt.Key.Key_Return)
        QTest.keyClicks(panel.view, "1p3")
        app.processEvents()
        path = out / "panel-accounting.png"
        tab.grab().save(str(path))
        written.append(path)
        projector.set_projector_scene(store, projector.TALLY)
        state = projector.projector_state(store)
        for w, h in ((1920, 1080), (1024, 768)):
            path = out / f"projector-tally-accounting-{w}x{h}.png"
            render_image(projector.build_scene(store, state), state, w, h, 0).save(str(path))
            written.append(path)
        QTest.keyClick(panel.view, "0")
        QTest.keyClick(panel.view, Qt.Key.Key_Return)
        app.processEvents()
        tab.close()

        count.close_count(store, PASSWORD)
        state = projector.projector_state(store)
        path = out / "projector-tally-closed-1024x768.png"
        render_image(projector.build_scene(store, state), state, 1024, 768, 0).save(str(path))
        written.append(path)

        # the audit: seed 2718, the margin is 3 ≤ 5 → all 5 papers pulled and keyed again
        view = count_checks.start_sample(store, "2718", count_checks.suggested_sizes(store)).result
        for line in view.group("leaders").lines:
            i = numbers.index(line.number)
            count_checks.reenter(store, view.id, "leaders", line.number, PAPERS[i] if i < 3 else
                                 ({} if i == 3 else {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"),
                                                     "1003": Mark(BLANK)}), void=(i == 3))
        written += pages(build_pdf(store, "抽查单", printed=PRINTED), out, "audit")
        written += pages(build_pdf(store, "定岗推荐结果", draft=True, printed=PRINTED), out, "recommendation",
                         last=2)
        store.close()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    code = main()
    os._exit(code)
