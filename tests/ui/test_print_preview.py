"""The print dialog: preview a sheet, save the exact PDF, print through a (monkeypatched) Qt print dialog,
and a refusal in words when a stage is not published."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from app.services import stages
from app.services.store import STAGES
from app.ui.print_preview import PrintDialog
from tests.reports import missing


def publish(store, *names):
    for stage in names or STAGES[:-1]:        # every stage but 双向选择, each after those it draws on
        stages.publish_through(store, stage, "jd2026")


@pytest.fixture
def dialog(bench, qtbot):
    dlg = PrintDialog(bench)
    qtbot.addWidget(dlg)
    return dlg


def test_preview_then_save_the_composite_sheet(small_store, dialog, tmp_path, monkeypatch):
    publish(small_store)
    dialog.choose("综合考评结果")
    assert dialog.preview()
    assert len(dialog.images) >= 1 and all(not img.isNull() for img in dialog.images)
    assert dialog.pages_layout.count() == len(dialog.images)
    assert dialog.page_count.text() == f"共 {len(dialog.images)} 页"
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()

    out = tmp_path / "综合.pdf"
    asked = []
    monkeypatch.setattr(dialog, "ask_save_path", lambda default: asked.append(default) or str(out))
    assert dialog.save_pdf() == str(out)
    assert asked[0].endswith("综合考评结果.pdf")
    assert out.read_bytes() == dialog.pdf
    assert missing(out.read_bytes(), ["张明", "83.866"]) == []


def test_print_through_the_print_dialog(small_store, dialog, tmp_path, monkeypatch):
    publish(small_store)
    dialog.choose("综合考评结果")
    assert dialog.preview()
    out = tmp_path / "printed.pdf"
    seen = []

    def accept(printer: QPrinter) -> bool:
        seen.append(printer)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    monkeypatch.setattr(dialog, "ask_print", accept)
    assert dialog.print_pdf()
    assert seen and seen[0].pageLayout().pageSize().id().name == "A4"
    assert out.stat().st_size > 0
    assert len(PdfReader(str(out)).pages) == len(dialog.images)


def test_print_honours_the_page_range(dialog, tmp_path, monkeypatch):
    dialog.choose("定岗推荐票")                      # a form: prints at any time, several pages
    assert dialog.preview()
    assert len(dialog.images) >= 2
    out = tmp_path / "page2.pdf"

    def only_page_two(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 2)
        return True

    monkeypatch.setattr(dialog, "ask_print", only_page_two)
    assert dialog.print_pdf()
    assert len(PdfReader(str(out)).pages) == 1


def test_a_cancelled_print_dialog_prints_nothing(small_store, dialog, monkeypatch):
    publish(small_store)
    dialog.choose("综合考评结果")
    assert dialog.preview()
    monkeypatch.setattr(dialog, "ask_print", lambda printer: False)
    assert not dialog.print_pdf()


def test_an_unpublished_sheet_is_refused_in_words(dialog):
    dialog.choose("综合考评结果")
    assert not dialog.draft.isChecked()
    assert not dialog.preview()
    assert "尚未公布" in dialog.status.text() and "综合考评结果" in dialog.status.text()
    assert dialog.images == [] and dialog.pdf is None and dialog.pages_layout.count() == 0
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()

    dialog.draft.setChecked(True)                    # 草稿 prints it, marked
    assert dialog.preview() and dialog.images
    assert missing(dialog.pdf, ["草稿（未公布）"]) == []


def test_options_follow_the_sheet(dialog):
    dialog.choose("拟任人选公示")
    assert dialog.form.isRowVisible(dialog.start_date) and not dialog.form.isRowVisible(dialog.copies)
    assert "start_date" in dialog.options()
    dialog.choose("评委评分表")
    assert dialog.form.isRowVisible(dialog.copies) and not dialog.form.isRowVisible(dialog.draft)
    dialog.copies.setValue(3)
    assert dialog.options() == {"copies": 3}
    dialog.choose("定岗推荐票")                       # 印制 per group, by default those present (SPEC §10)
    assert not dialog.form.isRowVisible(dialog.copies) and dialog.form.isRowVisible(dialog.group_row)
    assert dialog.options() == {"numbered": True, "print_counts": {"leaders": 5, "staff": 40, "unit_heads": 8,
                                                                    "county_chiefs": 10}}
    dialog.group_counts["leaders"].setValue(7)                    # 2 spare ballots
    assert dialog.options()["print_counts"]["leaders"] == 7
    dialog.choose("抽签记录")
    assert dialog.form.isRowVisible(dialog.meeting) and set(dialog.options()) == {"start_date", "version"}
    dialog.version.setCurrentIndex(dialog.version.findData("posted"))      # 张贴版: no signatures
    assert dialog.options()["version"] == "posted"
    dialog.choose("报岗情况公示")
    assert dialog.form.isRowVisible(dialog.round_no) and dialog.form.isRowVisible(dialog.draft)


def test_the_file_menu_opens_it_with_ctrl_p(small_store, qtbot, monkeypatch):
    from app.ui.main_window import MainWindow
    window = MainWindow(small_store)
    qtbot.addWidget(window)
    opened = []
    monkeypatch.setattr(PrintDialog, "exec", lambda self: opened.append(self) or 0)
    action = next(a for a in window.menuBar().actions()[0].menu().actions() if a.text() == "打印公示表与会议用表(&P)…")
    assert action.shortcut().toString() == "Ctrl+P"
    action.trigger()
    assert opened and opened[0].bench is window.bench


def test_enter_on_the_draft_box_previews_and_never_closes_the_dialog(small_store, qtbot):
    """Issue 13: tabbing past 关闭 made it the default button, and Enter on 草稿 then closed the dialog."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication
    from app.ui.workbench import Workbench
    dlg = PrintDialog(Workbench(small_store))
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)
    dlg.choose("综合考评结果")
    dlg.sheet.setFocus()
    passed = set()
    for _ in range(60):                       # Tab round the whole dialog, past 关闭 …
        passed.add(QApplication.focusWidget().text() if hasattr(QApplication.focusWidget(), "text") else "")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if "关闭" in passed and QApplication.focusWidget() is dlg.draft:   # … and on to the 草稿 box
            break
    assert "关闭" in passed and QApplication.focusWidget() is dlg.draft
    qtbot.keyClick(dlg.draft, Qt.Key.Key_Space)
    assert dlg.draft.isChecked()
    qtbot.keyClick(dlg.draft, Qt.Key.Key_Return)
    assert dlg.isVisible() and dlg.result() == 0
    assert dlg.pdf is not None and "草稿（未公布）" in dlg.status.text(), dlg.status.text()   # Enter previewed the draft
    QApplication.processEvents()
    dlg.grab().save("/tmp/shots/print_draft_enter.png")


def test_the_dialog_reopens_on_the_sheet_chosen_last(small_store, qtbot, monkeypatch):
    from app.ui.main_window import MainWindow
    window = MainWindow(small_store)
    qtbot.addWidget(window)
    opened = []

    def choose_then_close(self):
        opened.append(self.current_title())
        if len(opened) == 1:
            self.choose("定岗推荐结果")
        return 0

    monkeypatch.setattr(PrintDialog, "exec", choose_then_close)
    window.print_sheets()
    window.print_sheets()
    assert opened == ["报岗情况公示", "定岗推荐结果"]


def test_the_dialog_shows_no_command_line_option(dialog):
    for title in ("报岗情况公示", "双向选择确认表", "定岗推荐票", "拟任人选公示", "抽签记录"):
        dialog.choose(title)
        assert dialog.summary.text() and "--" not in dialog.summary.text(), title
