"""``python -m app --selftest`` (and ``竞岗考评 --selftest`` in the bundle): does this installation work?

Creates the demo campaign in a temporary folder (so the schema migrations run), opens the main window
offscreen (Qt plugins, the UI font), computes every result, prints one sheet to PDF with the fonts embedded,
checks the audit log, and exits 0 — or names the first thing that failed and exits 1. Nothing is left
behind. CI runs it on the PyInstaller bundle, so a resource missing from the bundle fails CI.

Output goes to standard output; a windowed Windows build has none, so it is also written to
``jinggang-selftest.log`` in the temporary folder's parent when standard output is missing.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable

SHEET = "综合考评结果"


def _checks(workdir: Path, say: Callable[[str], None]) -> None:
    from .resources import app_icon_path, cjk_font_path, resources_root

    say(f"程序位置：{'安装包' if getattr(sys, 'frozen', False) else '源代码'}；资源目录：{resources_root()}")
    for label, path in (("字体", cjk_font_path()), ("图标", app_icon_path())):
        if not path.is_file():
            raise RuntimeError(f"缺少{label}文件：{path}")
        say(f"{label}：{path.name}（{path.stat().st_size:,} 字节）")

    try:                                  # PostgreSQL (several laptops) is optional: report, don't require
        import psycopg
    except ImportError:
        say("PostgreSQL 驱动：未安装（只能用数据文件）")
    else:
        say(f"PostgreSQL 驱动：psycopg {psycopg.__version__}（{psycopg.pq.__impl__}）")

    from .models.migrate import MIGRATIONS, head_revision
    say(f"数据库结构版本：{head_revision()}（{MIGRATIONS}）")

    from .services.demo import create_demo_store
    t = time.perf_counter()
    store = create_demo_store(workdir / "selftest.db", operator="自检")
    try:
        say(f"演示竞岗已建立：{(time.perf_counter() - t) * 1000:.0f} ms")

        from .services.campaign_io import compute_results
        _, results = compute_results(store)
        placed = len(results.assignment.placements)
        if not results.pairs or not placed:
            raise RuntimeError("计算结果为空")
        say(f"计算：{len(results.pairs)} 个（人员，岗位）组合，{placed} 个岗位确定人选")

        from PySide6.QtWidgets import QApplication

        from .ui.app import make_application
        from .ui.main_window import MainWindow
        app = make_application(["jinggang-selftest"])
        from PySide6.QtWidgets import QMessageBox
        box = QMessageBox(QMessageBox.Icon.Question, "自检", "是否", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        buttons = [b.text() for b in box.buttons()]
        if not app.property("jinggang_qt_translations") or "是(&Y)" not in buttons:
            raise RuntimeError(f"Qt 中文翻译（qtbase_zh_CN.qm）未加载：确认框的按钮是 {buttons}")
        say(f"Qt 中文翻译：已加载（确认框按钮 {'、'.join(buttons)}）")
        window = MainWindow(store)
        window.resize(1366, 768)
        window.show()
        for i in range(window.tabs.count()):
            window.tabs.setCurrentIndex(i)
            QApplication.processEvents()
        family = app.font().family()
        image = window.grab()
        if image.isNull() or image.width() < 800:
            raise RuntimeError("主窗口无法显示")
        say(f"主窗口：{window.tabs.count()} 个标签页，界面字体 {family}")
        window.close()
        window.deleteLater()
        QApplication.processEvents()

        from .services.report_data import build_pdf
        pdf_path = workdir / "selftest.pdf"
        pdf = build_pdf(store, SHEET, pdf_path, draft=True, printed="自检")
        if not pdf.startswith(b"%PDF") or b"/FontFile2" not in pdf:
            raise RuntimeError(f"{SHEET} PDF 不完整或字体未嵌入")
        say(f"打印：{SHEET}（草稿）{len(pdf):,} 字节，字体已嵌入")

        report = store.verify()
        if not report.ok:
            raise RuntimeError(f"审计日志校验失败：{report}")
        say("审计日志：校验通过")
    finally:
        store.close()


def run_selftest() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    lines: list[str] = []
    out = sys.stdout

    def say(text: str) -> None:
        lines.append(text)
        if out is not None:
            print(text, file=out, flush=True)

    code = 0
    with tempfile.TemporaryDirectory(prefix="jinggang-selftest-") as tmp:
        try:
            _checks(Path(tmp), say)
            say("自检通过")
        except Exception as err:  # noqa: BLE001 - the self-test reports whatever failed
            say(f"自检失败：{err}")
            say(traceback.format_exc())
            code = 1
        if out is None:       # a windowed build: leave the report where the user can find it
            log = Path(tmp).parent / "jinggang-selftest.log"
            log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return code
