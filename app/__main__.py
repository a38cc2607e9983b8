"""``python -m app``: the GUI by default; ``compute``, ``draw`` … without it."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence


ASK = object()
"""``--password`` given without a value: ask for it at a prompt (not echoed)."""

DRAW_EPILOG = """\
每人的键值 = sha256(种子 + "|" + 会议 + "|" + 编号)，十六进制小写；按键值从小到大即演讲顺序。
第一行 list_digest 是名单摘要：各编号按字符串排序、用逗号连接后的 sha256，抽签前公布。
任何人可手工复核，如：printf '%s' '4711|竞岗演讲|1001' | sha256sum"""


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; given the arguments, the ``report`` sub-command is described in full only when
    they name it (its list of sheets loads the report package: 30 ms of every start of the window)."""
    from .cli_parser import REPORT_HELP, ChineseArgumentParser
    parser = ChineseArgumentParser(
        prog="python -m app",
        description="竞岗考评：竞争轮岗的计分、计票与公示。不带子命令时启动图形界面。",
    )
    parser.add_argument("--demo", action="store_true", help="打开演示竞岗（程序生成的示例数据）")
    parser.add_argument("--selftest", action="store_true",
                        help="自检：在临时目录建立演示竞岗、打开主窗口（不显示）、计算、打印一张 PDF，正常时退出码 0")
    sub = parser.add_subparsers(dest="command", metavar="子命令")

    gui = sub.add_parser("gui", help="启动图形界面（默认）")
    gui.add_argument("--demo", action="store_true", help="打开演示竞岗（程序生成的示例数据）")
    gui.add_argument("db", nargs="?", metavar="数据文件", help="要打开的竞岗数据文件（.db）或 PostgreSQL URL")
    gui.add_argument("--operator", metavar="姓名", help="录入人姓名")

    comp = sub.add_parser("compute", help="从竞岗文件（JSON）重算全部结果，输出结果 JSON",
                          description="从竞岗文件（JSON）重算全部结果，结果 JSON 输出到标准输出；输入有误时逐条说明"
                                      "（指明人员和字段）并以 2 退出。数据文件（.db）请先用 export 导出为竞岗文件。")
    comp.add_argument("file", metavar="竞岗文件", help="竞岗文件（jinggang-campaign/1 格式的 JSON，可由 export 导出）")

    dr = sub.add_parser("draw", help="重做一次可验证的抽签（由种子算出演讲顺序，可用 SHA-256 复核）",
                        description="重做一次可验证的抽签：第一行为名单摘要，然后每人一行：顺序号 编号 键值。",
                        epilog=DRAW_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    dr.add_argument("--seed", required=True, metavar="种子", help="监督组公布的种子")
    dr.add_argument("--meeting", required=True, metavar="会议", help="会议名称，如 竞岗演讲")
    dr.add_argument("ids", nargs="*", metavar="编号", help="参加抽签人员的编号")

    aud = sub.add_parser("audit-sample", help="重算定岗推荐票的抽查样本（可用 SHA-256 复核）",
                         description="按监督组公布的抽查种子，列出一个投票组全部已录入选票的抽查顺序："
                                     "每行“序号 票号 抽查码”，抽查码 = sha256(种子|会议|投票组|票号)，"
                                     "从小到大排列；前 s 行即抽查 s 张的样本。")
    aud.add_argument("--seed", required=True, metavar="种子", help="监督组在计票结束后公布的抽查种子")
    aud.add_argument("--meeting", required=True, metavar="会议", help="会议名称，与抽查单上印的一致，如 定岗推荐")
    aud.add_argument("--group", required=True, metavar="投票组", help="投票组，与选票上印的一致，如 局领导")
    aud.add_argument("numbers", nargs="*", metavar="票号", help="该组已录入的全部票号（6 位数字）")

    ver = sub.add_parser("verify", help="核对竞岗数据文件：完整性、审计日志链、数据、阶段记录，以及封签和摘要码"
                         "（通过时退出码 0，发现问题 1，无法核对 2）",
                         description="核对竞岗数据文件（只读打开，不作任何改动）。退出码：0 全部通过；"
                                     "1 发现改动，每处一行；2 文件无法核对（不是竞岗文件、已损坏、版本较新）。")
    ver.add_argument("db", metavar="数据文件", help="竞岗数据文件（.db）或 PostgreSQL URL")
    ver.add_argument("--password", nargs="?", const=ASK, default=None, metavar="监督组密码",
                     help="监督组密码：核对每个封签，以及每次锁定、公布、解锁、结束计票都有有效的封签"
                          "（只写 --password 不带密码时在提示下输入，不显示）")
    ver.add_argument("--printed", action="append", default=[], metavar="摘要码[@n]",
                     help="公示表或大屏上的摘要码，如 3F2A-91C0-7B44-E1D9@812（可写多次）：核对它是本文件第 n 条的链头")

    ev = sub.add_parser("evidence", help="为监督组生成证据包：竞岗文件、审计日志、公布快照、公示表 PDF 与独立核对程序",
                        description="生成证据包文件夹：campaign.json（含每张选票）、audit.jsonl（审计日志）、"
                                    "snapshots/（每次公布的快照）、sheets/（已公布的公示表 PDF）、verify_evidence.py"
                                    "（只用 Python 标准库的独立核对程序：python -I verify_evidence.py）。")
    ev.add_argument("db", metavar="数据文件", help="竞岗数据文件（.db）或 PostgreSQL URL")
    ev.add_argument("--out", required=True, metavar="文件夹", help="证据包文件夹（须不存在或为空）")

    imp = sub.add_parser("import", help="把竞岗文件（JSON）导入到新的竞岗数据文件")
    imp.add_argument("file", metavar="竞岗文件", help="jinggang-campaign/1 格式的 JSON 文件")
    imp.add_argument("--db", required=True, metavar="数据文件", help="新建的数据文件（.db）或 PostgreSQL URL")
    imp.add_argument("--operator", default="导入", metavar="姓名", help="录入人姓名（写入审计日志）")
    imp.add_argument("--password", metavar="密码", help="监督组密码（也可用环境变量 JINGGANG_SUPERVISOR_PASSWORD）")
    imp.add_argument("--title", metavar="名称", help="竞岗名称")

    exp = sub.add_parser("export", help="把竞岗数据导出为竞岗文件（JSON）")
    exp.add_argument("db", metavar="数据文件", help="竞岗数据文件（.db）或 PostgreSQL URL")
    exp.add_argument("--json", required=True, dest="json_path", metavar="竞岗文件", help="输出的 JSON 文件")

    sc = sub.add_parser("scan", help="把一个文件夹的定岗推荐票扫描件识读进竞岗数据文件，每页输出一行 JSON",
                        description="识读文件夹中的扫描件（PNG、JPEG、TIFF 或多页 PDF，200–300 dpi，方向不限），"
                                    "计入竞岗数据文件：标记清楚的选票即为选票记录；有不清或无效标记的选票等待复核"
                                    "（在程序中由一人判定、另一人确认）；不能识读的页说明原因和处理办法。"
                                    "每页输出一行 JSON：page、sha256、status（read 或 rejected）、reason、group、number、"
                                    "marks（每人 agree:岗位、suggest:岗位、blank、invalid 或 doubtful）。"
                                    "数据文件或文件夹不能使用时以 2 退出。")
    sc.add_argument("db", metavar="数据文件", help="竞岗数据文件（.db）或 PostgreSQL URL")
    sc.add_argument("folder", metavar="文件夹", help="存放扫描件的文件夹")
    sc.add_argument("--operator", default="扫描", metavar="姓名", help="录入人姓名（写入审计日志，默认“扫描”）")
    sc.add_argument("--low", metavar="下限", help="填涂比例低于它的框为空白（默认 1/50；可写 0.02、2%% 或 1/50）；"
                                                "只能在记录第一页之前设定，之后整次计票都用它")
    sc.add_argument("--high", metavar="上限", help="填涂比例达到它的框为已标记（默认 1/10）；两者之间的框交人判定")

    if argv is None or "report" in argv:
        from .cli_report import add_report_parser
        add_report_parser(sub)
    else:
        sub.add_parser("report", help=REPORT_HELP)
    return parser


def _utf8_output() -> None:
    """Results and messages are UTF-8 also when redirected on a Windows machine (whose default, GBK, cannot
    hold every name); an interactive console keeps its own encoding."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None and not stream.isatty():
                stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError, OSError):
            pass


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    if args.command not in (None, "gui"):
        _utf8_output()
    if args.selftest:
        from .selftest import run_selftest
        return run_selftest()
    if args.command == "compute":
        from .cli import run_compute
        return run_compute(args.file)
    if args.command == "draw":
        from .cli import run_draw
        return run_draw(args.seed, args.meeting, args.ids)
    if args.command == "audit-sample":
        from .cli import run_audit_sample
        return run_audit_sample(args.seed, args.meeting, args.group, args.numbers)
    if args.command == "verify":
        from .cli import run_verify
        password = args.password
        if password is ASK:
            import getpass
            try:
                password = getpass.getpass("监督组密码：")
            except (EOFError, KeyboardInterrupt):
                print("未输入监督组密码", file=sys.stderr)
                return 2
        return run_verify(args.db, password, args.printed)
    if args.command == "evidence":
        from .evidence import run_evidence
        return run_evidence(args.db, args.out)
    if args.command == "import":
        from .cli import run_import
        return run_import(args.file, args.db, args.operator, args.password, args.title)
    if args.command == "export":
        from .cli import run_export
        return run_export(args.db, args.json_path)
    if args.command == "scan":
        from .cli_scan import run_scan
        return run_scan(args.db, args.folder, args.operator, low=args.low, high=args.high)
    if args.command == "report":
        from .cli_report import run_report_args
        return run_report_args(args)
    from .ui.app import run_gui
    return run_gui(demo=args.demo, db=getattr(args, "db", None), operator=getattr(args, "operator", None))


if __name__ == "__main__":
    sys.exit(main())
