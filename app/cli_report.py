"""``python -m app report FILE.db --sheet 综合考评结果 --out X.pdf``: print a sheet without the GUI.

The sheet is named by its Chinese title (``--help`` lists them all). A 公示 sheet whose stages are
not yet published is refused unless ``--draft`` (then every page is marked 草稿（未公布）).
Exit 0 when the PDF is written; 2 with a message on stderr when it cannot be (unreadable file,
unpublished stage, incomplete data).

Importing this module is cheap (no ReportLab, no SQLAlchemy): ``app.__main__`` builds its parser
from it on every start.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any, Sequence, TextIO

from .core.draw import MEETINGS
from .reports import FORM, ROTATION, SHEET, SHEETS

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def sheet_list() -> str:
    """The ``--help`` text listing every sheet and form by its Chinese title."""
    lines = []
    for kind, heading in ((SHEET, "公示表（依据已公布的数据）："), (FORM, "会议用表（空白，会前打印）："),
                          (ROTATION, "交流轮岗文件（截至某日，--date；--out 以 .xlsx 结尾时输出 Excel）：")):
        lines.append(heading)
        lines += [f"  {title}　{entry.summary}" + (f"（{entry.options}）" if entry.options else "")
                  for title, entry in SHEETS.items() if entry.kind == kind]
    lines.append("")
    lines.append("例：python -m app report 竞岗.db --sheet 综合考评结果 --out 综合考评结果.pdf")
    lines.append("　　python -m app report 竞岗.db --sheet 交流轮岗对象名单 --date 2026-12-01 --out 交流轮岗对象名单.xlsx")
    return "\n".join(lines)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” 不是日期（格式 YYYY-MM-DD，如 2026-03-02）") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"“{text}” 须为正整数")
    return int(text)


def _margins(text: str) -> tuple[float, float, float, float]:
    parts = text.replace("，", ",").split(",")
    try:
        values = tuple(float(x) for x in parts)
    except ValueError:
        values = ()
    if len(values) != 4 or any(not (5 <= v <= 60) for v in values):
        raise argparse.ArgumentTypeError(f"“{text}” 应为上、左、右、下四个页边距（毫米，5 至 60），如 37,28,26,35")
    return values  # type: ignore[return-value]


VERSIONS = {"张贴版": "posted", "存档版": "filed"}
GROUP_NAMES = {"局领导": "leaders", "其他行政编制人员": "staff", "其他行政": "staff", "事业单位负责人": "unit_heads",
               "事业单位": "unit_heads", "各县（市、区）局长": "county_chiefs", "县局长": "county_chiefs",
               "leaders": "leaders", "staff": "staff", "unit_heads": "unit_heads", "county_chiefs": "county_chiefs"}


def _print_counts(text: str) -> dict[str, int]:
    """``局领导=7,其他行政=45``: 印制 张数 per voter group (groups not named are not printed)."""
    out: dict[str, int] = {}
    for part in text.replace("，", ",").split(","):
        name, _, n = part.partition("=")
        group = GROUP_NAMES.get(name.strip())
        if group is None or not n.strip().isdigit():
            raise argparse.ArgumentTypeError(f"“{part}” 应为 投票组=张数，如 局领导=7,其他行政=45（投票组：局领导、"
                                             "其他行政、事业单位、县局长）")
        out[group] = int(n)
    return out


def _group(text: str) -> str:
    group = GROUP_NAMES.get(text.strip())
    if group is None:
        raise argparse.ArgumentTypeError(f"“{text}” 不是投票组（局领导、其他行政、事业单位、县局长）")
    return group


def configure_parser(rep: argparse.ArgumentParser) -> argparse.ArgumentParser:
    rep.add_argument("db", metavar="数据文件", help="竞岗数据文件（.db）或 PostgreSQL URL")
    rep.add_argument("--sheet", required=True, choices=list(SHEETS), metavar="表名",
                     help="要打印的表（中文表名，见下）")
    rep.add_argument("--out", required=True, metavar="文件", help="输出的 PDF 文件；交流轮岗文件以 .xlsx 结尾时输出 Excel")
    rep.add_argument("--draft", action="store_true", help="阶段尚未公布时打印草稿（每页标“草稿（未公布）”）")
    rep.add_argument("--start-date", type=_iso_date, metavar="日期", help="公示表：公示期第一天 YYYY-MM-DD（默认今天），公示 7 天；也是落款日期")
    rep.add_argument("--version", choices=("张贴版", "存档版"), default="存档版", dest="sheet_version", metavar="版本",
                     help="公示表：张贴版（不印计分人、复核人、监督人签字栏）或存档版（印签字栏，默认）")
    rep.add_argument("--date", type=_iso_date, dest="as_of", metavar="日期",
                     help="交流轮岗文件：审查截止日期或统计日期 YYYY-MM-DD（默认今天）")
    rep.add_argument("--margins", type=_margins, metavar="上,左,右,下",
                     help="页边距（毫米），默认 37,28,26,35（GB/T 9704-2012）")
    rep.add_argument("--round", type=_positive, dest="round_no", metavar="次",
                     help="报岗情况公示：第几次报岗（默认最近公布的一次）；双向选择确认表：第几轮（默认 1）")
    rep.add_argument("--meeting", choices=MEETINGS, help="抽签记录：只打印这一会议（默认全部已抽签的会议）")
    rep.add_argument("--phase", choices=("科员定岗", "事业人员补充"),
                     help="双向选择确认表：哪一阶段（默认科员定岗），轮次用 --round")
    rep.add_argument("--copies", type=_positive, metavar="张数", help="会议用表：张数（评委评分表为评委人数）")
    rep.add_argument("--printed", type=_print_counts, metavar="组=张数,…", dest="print_counts",
                     help="定岗推荐票：各组印制张数，如 局领导=7,其他行政=45（首次印制时抽取随机票号；默认各组到会人数；"
                          "已有票号的组按原票号重印）")
    rep.add_argument("--group", type=_group, metavar="投票组",
                     help="定岗推荐票：只印这一投票组的选票（局领导、其他行政、事业单位、县局长）")
    rep.add_argument("--layout", metavar="版式文件",
                     help="定岗推荐票：同时写出扫描版式 JSON（每个方框的位置，毫米，原点在页面左上角），供扫描识读核对")
    rep.add_argument("--unnumbered", action="store_true",
                     help="定岗推荐票：不抽取票号，印顺序编号（不能按票号逐张核对）")
    rep.add_argument("--font", metavar="字体文件", help="字体文件（.ttf/.ttc），各处都用它，优先于系统的宋体、黑体、仿宋和程序自带字体")
    rep.add_argument("--font-title", metavar="字体文件", help="标题字体文件（如方正小标宋简体或黑体），优先于 --font")
    rep.add_argument("--font-body", metavar="字体文件", help="正文字体文件（如仿宋），优先于 --font")
    rep.add_argument("--font-table", metavar="字体文件", help="表格字体文件（如宋体），优先于 --font")
    return rep


def add_report_parser(sub: Any) -> argparse.ArgumentParser:
    """The ``report`` sub-command on ``python -m app``'s sub-parsers."""
    from .cli_parser import REPORT_HELP
    rep = sub.add_parser("report", help=REPORT_HELP,
                         description="把一张公示表或会议用表打印为 PDF（A4，字体嵌入）。",
                         epilog=sheet_list(), formatter_class=argparse.RawDescriptionHelpFormatter)
    return configure_parser(rep)


def build_parser() -> argparse.ArgumentParser:
    """A stand-alone parser (``python -m app.cli_report``), the same as ``python -m app report``."""
    from .cli_parser import ChineseArgumentParser
    parser = ChineseArgumentParser(prog="python -m app report", description="把一张公示表或会议用表打印为 PDF。",
                                     epilog=sheet_list(), formatter_class=argparse.RawDescriptionHelpFormatter)
    return configure_parser(parser)


def run_report(db: str, sheet: str, out: str, *, start_date: date | None = None, draft: bool = False,
               round_no: int | None = None, meeting: str | None = None, copies: int | None = None,
               phase: str | None = None, font: str | None = None, printed: str | None = None,
               print_counts: dict[str, int] | None = None, unnumbered: bool = False,
               version: str = "filed", margins: tuple[float, float, float, float] | None = None,
               role_fonts: dict[str, str] | None = None, as_of: date | None = None,
               group: str | None = None, layout: str | None = None,
               stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    """Write the sheet called ``sheet`` of the campaign in ``db`` to ``out`` (PDF)."""
    from .reports import fonts, render
    from .services.report_data import build_xlsx, sheet_data
    from .services.store import Store, StoreError
    if sheet not in SHEETS:
        print(f"没有“{sheet}”这张表；可打印：{'、'.join(SHEETS)}", file=stderr)
        return EXIT_BAD_INPUT
    if font:
        fonts.configure(font)
    for role, path in (role_fonts or {}).items():
        if path:
            fonts.configure(path, role)
    try:
        store = Store.open(db, operator="report")
    except StoreError as exc:
        print(str(exc), file=stderr)
        return EXIT_BAD_INPUT
    from . import files
    try:
        options = dict(start_date=start_date, draft=draft, round_no=round_no, meeting=meeting, copies=copies,
                       phase=phase, printed=printed, version=version, margins=margins, as_of=as_of)
        if sheet == "定岗推荐票":              # SPEC §10: numbered at the first print (--unnumbered: not)
            options.update(numbered=not unnumbered, print_counts=print_counts, group=group)
        elif group or layout:
            raise StoreError("--group 和 --layout 只用于定岗推荐票")
        if layout and unnumbered:
            raise StoreError("--layout：未编号的定岗推荐票不是扫描版式，没有版式文件")
        if str(out).lower().endswith(".xlsx"):
            data = build_xlsx(store, sheet, out, **options)
        else:
            data = sheet_data(store, sheet, **options)
            files.write_bytes(out, render(sheet, data))      # a temporary name, fsync, rename
        if layout:
            if getattr(data, "scannable", None) is None:
                raise StoreError("--layout：这次印制的定岗推荐票没有票号，不是扫描版式")
            import json
            from .scan.layout import layout_json
            text = json.dumps(layout_json(data.scannable.layout), ensure_ascii=False, indent=1) + "\n"
            files.write_bytes(layout, text.encode("utf-8"))
    except (StoreError, fonts.FontError) as exc:
        print(str(exc), file=stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"{out}: 无法写入（{exc.strerror or exc}）", file=stderr)
        return EXIT_BAD_INPUT
    finally:
        store.close()
    print(f"已生成 {out}（{sheet}{'，草稿（未公布）' if data.header.draft else ''}）"
          + (f"，版式 {layout}" if layout else ""), file=stdout)
    return EXIT_OK


def run_report_args(args: argparse.Namespace) -> int:
    return run_report(args.db, args.sheet, args.out, start_date=args.start_date, draft=args.draft,
                      round_no=args.round_no, meeting=args.meeting, copies=args.copies, phase=args.phase,
                      print_counts=args.print_counts, unnumbered=args.unnumbered, group=args.group, layout=args.layout,
                      font=args.font, version=VERSIONS[args.sheet_version], margins=args.margins, as_of=args.as_of,
                      role_fonts={"title": args.font_title, "body": args.font_body, "table": args.font_table})


def main(argv: Sequence[str] | None = None) -> int:
    return run_report_args(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
