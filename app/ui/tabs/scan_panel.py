"""扫描计票 in the 定岗推荐计票 tab (SPEC §12): a folder of scans (or one multi-page PDF) read page by page.

The pages are read in a worker thread with the pure reader (:func:`app.services.scanning.reader_for`);
each page read is recorded on the GUI thread through the workbench (:func:`scanning.record_page`, one
transaction a page), so the tally, the accounting and the projector fill as the pages come in. The
bar shows the progress (页数、已计入、待复核、未识读), can cancel (the pages recorded stay recorded), opens
the review (:mod:`.scan_review`) and says how many 唱票/扫描 differences are open.

Keys: Ctrl+Shift+O 扫描文件夹, Ctrl+Shift+P 扫描 PDF 文件, Ctrl+Shift+R 复核.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QThread, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from ...scan.sources import pages_of_file, scan_files
from ...services import scanning
from ...services.store import StoreError
from ..workbench import FAILED, Workbench
from .ballot_panel import restyle, set_text

FOLDER_KEY, PDF_KEY, REVIEW_KEY = "Ctrl+Shift+O", "Ctrl+Shift+P", "Ctrl+Shift+R"


class ScanWorker(QThread):
    """Reads the pages of ``paths`` in order with ``reader`` (pure: no transaction) and hands each
    :class:`~app.scan.reader.PageRead` to the GUI thread; stops between pages when cancelled."""

    page_read = Signal(object)
    failed = Signal(str)

    def __init__(self, reader: Any, paths: list[Path], parent: Any = None):
        super().__init__(parent)
        self.reader, self.paths = reader, paths
        self.cancelled = False

    def run(self) -> None:
        try:
            for path in self.paths:
                for source in pages_of_file(path):
                    if self.cancelled:
                        return
                    self.page_read.emit(self.reader.read_page(source))
        except StoreError as err:            # the number check reads the store
            self.failed.emit(str(getattr(err, "cause", err)))
        except Exception as err:  # noqa: BLE001 - a worker must not die silently: the clerk is told
            self.failed.emit(f"读取扫描件出错（{type(err).__name__}）")


class Progress:
    """What one scan run has done so far (from the services' answers)."""

    def __init__(self, files: int, skipped: int):
        self.files, self.skipped = files, skipped
        self.pages = self.entered = self.waiting = self.rejected = self.blank = self.compared = self.failed = 0
        self.cancelled = self.interrupted = False

    def add(self, status: str) -> None:
        attr = {"entered": "entered", "waiting": "waiting", "rejected": "rejected", "blank": "blank",
                "second-channel": "compared"}.get(status)
        if attr:
            setattr(self, attr, getattr(self, attr) + 1)

    def text(self, running: bool, cancelled: bool = False) -> str:
        head = ("已取消扫描：" if cancelled else "扫描中断：" if self.interrupted else "扫描中：" if running
                else "扫描完毕：")
        parts = [f"已读 {self.pages} 页（{self.files} 个文件）", f"已计入 {self.entered}", f"待复核 {self.waiting}",
                 f"未识读 {self.rejected}"]
        if self.compared:
            parts.append(f"与唱票比对 {self.compared}")
        if self.blank:
            parts.append(f"空白页 {self.blank}")
        if self.failed:
            parts.append(f"未保存 {self.failed}")
        if self.skipped:
            parts.append(f"跳过非扫描文件 {self.skipped}")
        return head + "　".join(parts)


class ScanBar(QWidget):
    """扫描文件夹… · 扫描 PDF… · 复核… · 取消 · the progress line · the open differences."""

    def __init__(self, bench: Workbench, parent: QWidget | None = None):
        super().__init__(parent)
        self.bench = bench
        self.worker: ScanWorker | None = None
        self.progress: Progress | None = None
        self.dialog = None
        self.last_folder = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        row = QHBoxLayout()
        self.folder_button = QPushButton("扫描文件夹…")
        self.folder_button.setToolTip(f"选择扫描仪存放扫描件的文件夹（PNG、JPEG、TIFF、PDF），逐页识读并计入（{FOLDER_KEY}）")
        self.pdf_button = QPushButton("扫描 PDF…")
        self.pdf_button.setToolTip(f"选择扫描仪生成的多页 PDF 文件（{PDF_KEY}）")
        self.review_button = QPushButton("复核…")
        self.review_button.setToolTip(f"标记不清、无效的框由人判定并由第二人确认；未识读的页；唱票与扫描的差异（{REVIEW_KEY}）")
        self.threshold_button = QPushButton("阈值…")
        self.threshold_button.setToolTip("填涂比例的两个阈值：低于下限为空白，达到上限为已标记，之间交人判定（扫描第一页之前设定）")
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setToolTip("停止读取其余的页；已计入的页保留")
        self.cancel_button.hide()              # in place of the two scan buttons while a scan runs
        for b, slot in ((self.folder_button, self.choose_folder), (self.pdf_button, self.choose_pdf),
                        (self.review_button, self.open_review), (self.threshold_button, self.edit_thresholds),
                        (self.cancel_button, self.cancel)):
            b.clicked.connect(slot)
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.line = QLabel()
        self.line.setWordWrap(True)
        layout.addWidget(self.line)
        self.open_items = QLabel()
        self.open_items.setWordWrap(True)
        layout.addWidget(self.open_items)
        self.line.hide()
        self.open_items.hide()
        if QCoreApplication.instance() is not None:
            QCoreApplication.instance().aboutToQuit.connect(self.stop)

    def add_shortcuts(self, owner: QWidget) -> None:
        """The bar's keys anywhere in ``owner`` (the tab)."""
        for seq, slot in ((FOLDER_KEY, self.choose_folder), (PDF_KEY, self.choose_pdf),
                          (REVIEW_KEY, self.open_review)):
            sc = QShortcut(QKeySequence(seq), owner)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)

    # -- what is open ------------------------------------------------------------------------------------

    def show_open(self) -> None:
        """待复核 / 未识读 / 差异 as the services count them (after a refresh of the tab)."""
        try:        # a read beside a redraw: not through bench.run, which would replace bench.last_error
            items = scanning.review_queue(self.bench.store)
            pages = scanning.scanned_pages(self.bench.store)
            diffs = scanning.channel_differences(self.bench.store)
        except StoreError as err:
            set_text(self.open_items, f"扫描记录未能读取：{getattr(err, 'cause', err)}")
            return
        rejected = sum(1 for p in pages if p.status == "rejected")
        undecided = sum(1 for i in items if i.decided is None)
        parts = []
        if items:
            parts.append(f"待判定 {undecided}、待确认 {len(items) - undecided}")
        if rejected:
            parts.append(f"未识读的页 {rejected}（重新扫描或唱票录入）")
        if diffs:
            parts.append(f"唱票与扫描差异 {len(diffs)} 处，须监督组认定")
        text = ("⚠ " + "；".join(parts) + "　→ 复核") if parts else (
            f"已扫描 {len(pages)} 页，无待处理事项" if pages else "")
        # the differences themselves, as the service words them (the first two; all in the tooltip)
        text += "".join(f"\n　{d.words}" for d in diffs[:2]) + (f"\n　……另有 {len(diffs) - 2} 处" if len(diffs) > 2 else "")
        set_text(self.open_items, text)
        self.open_items.setToolTip("\n".join(d.words for d in diffs))
        restyle(self.open_items, "color:#9a5b00;font-weight:bold" if parts else "color:#1e4620")
        self.open_items.setVisible(bool(text))
        set_text(self.review_button, f"复核…（{len(items) + len(diffs)}）" if items or diffs else "复核…")

    # -- starting and stopping -------------------------------------------------------------------------

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择存放扫描件的文件夹", self._start_folder(),
                                                  QFileDialog.Option.ShowDirsOnly)
        self.window().activateWindow()       # the keys (Ctrl+Shift+R …) work again at once
        if folder:
            self.last_folder = str(Path(folder).parent)
            self.scan_folder(Path(folder))

    def _start_folder(self) -> str:
        """Where the scanner's folders are: the last one chosen, else the documents folder."""
        from ..start import documents_folder
        return self.last_folder or str(documents_folder())

    def choose_pdf(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择扫描生成的 PDF 文件", self._start_folder(),
                                              "PDF 文件 (*.pdf);;所有文件 (*)")
        self.window().activateWindow()
        if path:
            self.last_folder = str(Path(path).parent)
            self.scan_paths([Path(path)], 0)

    def scan_folder(self, folder: Path) -> bool:
        try:
            files, skipped = scan_files(folder)
        except OSError as err:
            self.bench.message.emit(f"无法打开文件夹 {folder}：{err.strerror or err}", True)
            return False
        if not files:
            self.bench.message.emit(f"文件夹 {folder} 中没有扫描件（PNG、JPEG、TIFF、PDF）", True)
            return False
        return self.scan_paths(files, len(skipped))

    def scan_paths(self, paths: list[Path], skipped: int = 0) -> bool:
        if self.running():
            self.bench.message.emit("正在扫描：请等本次扫描完毕或先取消", True)
            return False
        reader = self.bench.run(scanning.reader_for, what="读取选票版式 ")
        if reader is FAILED:
            return False
        self.progress = Progress(len(paths), skipped)
        self.worker = ScanWorker(reader, list(paths), self)
        self.worker.page_read.connect(self.record)
        self.worker.failed.connect(self._worker_failed)
        self.worker.finished.connect(self._finished)
        self._running_buttons(True)
        self._show_progress()
        self.worker.start()
        return True

    def _running_buttons(self, running: bool) -> None:
        self.folder_button.setVisible(not running)
        self.pdf_button.setVisible(not running)
        self.threshold_button.setVisible(not running)
        self.cancel_button.setVisible(running)

    def running(self) -> bool:
        return self.worker is not None

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancelled = True
            if self.progress is not None:
                self.progress.cancelled = True
            self._show_progress()
            self.bench.info("已取消扫描：已计入的页保留，其余的页未读")

    def record(self, page: Any) -> None:
        """One page read: recorded through the workbench (the tally and the projector redraw)."""
        if self.worker is None or self.worker.cancelled or self.progress is None:
            return
        name = page.file if page.file_page == 1 else f"{page.file}#{page.file_page}"
        self.progress.pages += 1
        result = self.bench.run(scanning.record_page, page, initiator=self, what=f"扫描页 {name} ")
        if result is FAILED:
            self.progress.failed += 1
        else:
            shown = getattr(result, "result", None)
            self.progress.add(getattr(shown, "status", ""))
        self._show_progress()

    def _worker_failed(self, text: str) -> None:
        if self.progress is not None:
            self.progress.interrupted = True
        self.bench.message.emit(f"扫描中断：{text}；已计入的页保留", True)

    def _finished(self) -> None:
        worker, self.worker = self.worker, None
        self._running_buttons(False)
        self._show_progress()
        if worker is not None:
            worker.deleteLater()
        self.show_open()
        if self.progress is not None and not (self.progress.cancelled or self.progress.interrupted):
            self.bench.info(self.progress.text(False))

    def _show_progress(self) -> None:
        if self.progress is None:
            return
        running = self.worker is not None
        text = self.progress.text(running, self.progress.cancelled)
        set_text(self.line, text)
        bad = self.progress.rejected or self.progress.failed
        restyle(self.line, "font-weight:bold;color:" + ("#9a5b00" if bad else "#1e4620"))
        self.line.show()
        self.bench.activity.emit(text if running and not self.progress.cancelled else "")

    def stop(self) -> None:
        """Closing the program: the worker stops after its page (nothing more is recorded)."""
        if self.worker is not None:
            self.worker.cancelled = True
            self.worker.wait(10000)

    def wait(self, ms: int = 60000) -> None:
        """For tests and closing: until the worker has stopped."""
        if self.worker is not None:
            self.worker.wait(ms)

    def writers(self) -> tuple[object, ...]:
        """What writes ballots from this bar: the bar (the pages of a scan) and the review while open."""
        return (self,) if self.dialog is None else (self, self.dialog)

    # -- the thresholds (SPEC §12) -----------------------------------------------------------------------

    def edit_thresholds(self) -> None:
        ThresholdDialog(self.bench, self).exec()

    # -- review -------------------------------------------------------------------------------------------

    def open_review(self) -> None:
        from .scan_review import ReviewDialog
        self.dialog = ReviewDialog(self.bench, self)
        self.dialog.exec()
        self.dialog = None
        self.show_open()


def _fraction_words(value: Any) -> str:
    """1/50 → 1/50（2%）: the stored exact fraction and what it is in per cent (exact when it ends, else 约)."""
    from decimal import Decimal
    per_cent = Decimal(value.numerator * 100) / Decimal(value.denominator)
    exact = per_cent.quantize(Decimal("0.01"))
    shown = f"{exact.normalize():f}" if exact == per_cent else f"约 {exact}"
    return f"{value.numerator}/{value.denominator}（{shown}%）"


class ThresholdDialog(QDialog):
    """The two fill thresholds of this count (SPEC §12), set before the first page is scanned."""

    def __init__(self, bench: Workbench, parent: QWidget | None = None):
        super().__init__(parent)
        self.bench = bench
        self.setWindowTitle("扫描阈值")
        self.setMinimumWidth(480)
        now = scanning.stored_thresholds(bench.store)
        layout = QVBoxLayout(self)
        intro = QLabel("每个框内深色像素的比例（与空白选票相比）：低于下限为空白，达到上限为已标记，"
                       "两者之间为“标记不清”，交人判定、第二人确认。默认值由测试样张选定（下限 1/50、上限 1/10）。"
                       "只能在扫描第一页之前设定，整次计票都用同一对阈值。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.low, self.high = QLineEdit(), QLineEdit()
        for edit, value in ((self.low, now.low), (self.high, now.high)):
            edit.setText(f"{value.numerator}/{value.denominator}")
            edit.setPlaceholderText("如 0.02、2% 或 1/50")
        form.addRow(f"下限（现为 {_fraction_words(now.low)}）：", self.low)
        form.addRow(f"上限（现为 {_fraction_words(now.high)}）：", self.high)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#b00020;font-weight:bold")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        result = self.bench.run(scanning.set_thresholds, self.low.text(), self.high.text(), initiator=self,
                                what="扫描阈值 ")
        if result is FAILED:
            self.error.setText(str(getattr(self.bench.last_error, "cause", None) or self.bench.last_error))
            self.adjustSize()              # the red line wraps: the dialog grows rather than squeezing the text
            return
        self.bench.info(result.label)
        self.accept()
