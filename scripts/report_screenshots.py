"""PNG previews of every printed sheet and form, for docs/screenshots/reports/ (and for looking at).

Builds a demo campaign (60 people, 12 posts, 25 judges), draws lots, publishes every 报岗 round and
every stage, plays the two-way selection, then prints each sheet and form of ``app.reports.SHEETS`` and converts its first page
with poppler's ``pdftoppm -png -r 60``. The longest sheet also gets its last page (the signatures),
and one sheet is printed before publication to show the draft watermark.

    python scripts/report_screenshots.py [--out docs/screenshots/reports] [--keep-pdf DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.reports import SHEETS  # noqa: E402
from app.services import declaration_rounds, declarations, draws, stages  # noqa: E402
from app.services.demo import create_demo_store, play_selection  # noqa: E402
from app.services.report_data import build_pdf, set_publicity_contacts  # noqa: E402
from app.services.store import STAGES  # noqa: E402

PRINTED = "2026-03-02 16:30"
OPTIONS = {"start_date": date(2026, 3, 2), "printed": PRINTED, "copies": 2}
LAST_PAGE_OF = "考评量化结果"


def png(pdf: Path, out: Path, page: int = 1) -> Path:
    """One page of ``pdf`` as ``out`` (pdftoppm adds the .png)."""
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(out.with_suffix(""))], check=True)
    return out


def pages(pdf: Path) -> int:
    from pypdf import PdfReader
    return len(PdfReader(pdf).pages)


def publish_everything(store) -> None:
    for meeting, seed in (("原任科长述职", "2026"), ("申报者述职", "0302"), ("竞岗演讲", "4711")):
        if draws.candidates_for(store, meeting):
            draws.program_draw(store, meeting, seed)
    rounds = max(len(r) for r in declarations.declarations(store).values())
    for n in range(1, rounds + 1):
        declaration_rounds.publish_round(store, n)
    stages.publish_through(store, "assignment", "jd2026")
    play_selection(store)          # 科员定岗 three rounds, 事业人员补充: the 双向选择 sheets have their data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / "reports"))
    parser.add_argument("--keep-pdf", help="also keep the PDFs in this folder")
    args = parser.parse_args(argv)
    if shutil.which("pdftoppm") is None:
        print("pdftoppm (poppler-utils) is needed", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        store = create_demo_store(tmpdir / "demo.db", people=60, posts=12)
        try:
            set_publicity_contacts(store, "0351-1234567", "局机关一楼监督组意见箱")
            draft = tmpdir / "draft-composite.pdf"
            build_pdf(store, "综合考评结果", draft, draft=True, **OPTIONS)
            written = [png(draft, out / "draft-composite.png")]
            publish_everything(store)
            for title, entry in SHEETS.items():
                pdf = tmpdir / f"{entry.slug}.pdf"
                build_pdf(store, title, pdf, **OPTIONS)
                written.append(png(pdf, out / f"{entry.slug}.png"))
                if title == LAST_PAGE_OF:
                    written.append(png(pdf, out / f"{entry.slug}-last.png", pages(pdf)))
            if args.keep_pdf:
                keep = Path(args.keep_pdf)
                keep.mkdir(parents=True, exist_ok=True)
                for pdf in tmpdir.glob("*.pdf"):
                    shutil.copy(pdf, keep / pdf.name)
        finally:
            store.close()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
