"""PNG previews of every printed sheet and form, for docs/screenshots/reports/ (and for looking at).

Builds a demo campaign (60 people, 12 posts, 25 judges), draws lots, publishes every 报岗 round and
every stage, plays the two-way selection, then prints each sheet of ``app.reports.SHEETS`` in both versions
(``-posted``: 张贴版, ``-filed``: 存档版 with the signatures) and each form, and converts its first page
with poppler's ``pdftoppm -png -r 60``. The longest sheet also gets its last page (the 落款 and
signatures), and one sheet is printed before publication to show the draft watermark. With LibreOffice
(``soffice``) installed, the results workbook and the roster template are converted to PDF as
LibreOffice prints them and every page saved as ``excel-…-N.png``.

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

from app.reports import SHEET, SHEETS  # noqa: E402
from app.services import declaration_rounds, declarations, draws, stages  # noqa: E402
from app.services.demo import create_demo_store, play_selection  # noqa: E402
from app.services.report_data import build_pdf, set_publicity_contacts  # noqa: E402
from app.services.store import STAGES  # noqa: E402

PRINTED = "2026-03-02 16:30"
OPTIONS = {"start_date": date(2026, 3, 2), "printed": PRINTED, "copies": 2, "as_of": date(2026, 3, 2)}
LAST_PAGE_OF = "考评量化结果"


def png(pdf: Path, out: Path, page: int = 1) -> Path:
    """One page of ``pdf`` as ``out`` (pdftoppm adds the .png)."""
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(out.with_suffix(""))], check=True)
    return out


def pages(pdf: Path) -> int:
    from pypdf import PdfReader
    return len(PdfReader(pdf).pages)


def excel_pages(store, tmpdir: Path, out: Path) -> list[Path]:
    """The results workbook and the roster template as LibreOffice prints them (every page)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("soffice (LibreOffice) not installed: no Excel pages", file=sys.stderr)
        return []
    from app.services.excel import export_results_xlsx, export_roster_template, export_roster_xlsx
    from app.services.report_data import build_xlsx
    books = {"excel-results": tmpdir / "results.xlsx", "excel-roster": tmpdir / "roster.xlsx",
             "excel-template": tmpdir / "template.xlsx", "excel-rotation-list": tmpdir / "rotation-list.xlsx",
             "excel-rotation-statistics": tmpdir / "rotation-statistics.xlsx"}
    export_results_xlsx(store, books["excel-results"], printed=PRINTED)
    export_roster_xlsx(store, books["excel-roster"])
    export_roster_template(books["excel-template"])
    build_xlsx(store, "交流轮岗对象名单", books["excel-rotation-list"], **OPTIONS)
    build_xlsx(store, "机关轮岗交流人员统计表", books["excel-rotation-statistics"], **OPTIONS)
    written = []
    for stem, book in books.items():
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmpdir), str(book)],
                       check=True, capture_output=True, timeout=300)
        pdf = book.with_suffix(".pdf")
        for page in range(1, min(pages(pdf), 12) + 1):
            written.append(png(pdf, out / f"{stem}-{page}.png", page))
    return written


def small_ballots(tmpdir: Path, out: Path) -> list[Path]:
    """The 定岗推荐票 of a small campaign (tests/data/small.json: 3 candidates, 3 posts), two to a sheet."""
    import json

    from app.services.campaign_io import import_campaign
    from app.services.store import Store
    store = Store.create(tmpdir / "small.db", title="2026年竞争轮岗", unit="某某局", supervisor_password="jd2026",
                         operator="截图")
    try:
        import_campaign(store, json.loads((ROOT / "tests" / "data" / "small.json").read_text(encoding="utf-8")))
        pdf = tmpdir / "ballot-halfsheet.pdf"
        build_pdf(store, "定岗推荐票", pdf, printed=PRINTED, copies=2)
        return [png(pdf, out / "ballot-halfsheet.png")]
    finally:
        store.close()


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
                versions = (("-posted", "posted"), ("-filed", "filed")) if entry.kind == SHEET else (("", None),)
                for suffix, version in versions:
                    pdf = tmpdir / f"{entry.slug}{suffix}.pdf"
                    build_pdf(store, title, pdf, **OPTIONS, **({"version": version} if version else {}))
                    written.append(png(pdf, out / f"{entry.slug}{suffix}.png"))
                    if title == LAST_PAGE_OF and version == "filed":
                        written.append(png(pdf, out / f"{entry.slug}-last.png", pages(pdf)))
            written += excel_pages(store, tmpdir, out)
            written += small_ballots(tmpdir, out)
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
