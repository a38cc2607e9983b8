"""打印公示表与会议用表: choose a sheet or form, preview its pages, print through Qt or save the PDF (and, for
the 交流轮岗 documents, the Excel version).

The PDF is built by the service (:func:`app.services.report_data.build_pdf`) exactly as the
command line builds it; the preview and the printout are its pages rendered with pypdfium2, and
"另存为 PDF" writes the very bytes previewed. A refusal (stage not published, missing font, …) is
shown in the dialog in words and nothing is previewed.

The print dialog and the file dialog are the methods :meth:`PrintDialog.ask_print` and
:meth:`PrintDialog.ask_save_path`, so tests can replace them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QRect, QSize, Qt
from PySide6.QtGui import QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from .. import files
from ..core.draw import MEETINGS
from ..core.scheme import GROUP_SHORT_LABELS, GROUPS
from ..reports import FORM, ROTATION, SHEET, SHEETS
from ..services import stages
from ..services.ballot_numbers import printed_counts
from ..services.recommendation import presence
from ..services.report_data import publicity_contacts, set_publicity_contacts
from ..services.selection import PHASE_LABELS
from ..services.store import Changed, Store, StoreError
from .workbench import FAILED, Workbench

PREVIEW_SCALE = 1.15          # screen pixels per PDF point in the preview (A4 portrait ≈ 684 px wide)
MAX_PRINT_DPI = 300           # pages are rasterised at the printer's resolution, at most this


def build_sheet_pdf(store: Store, title: str, **options: Any) -> bytes | tuple[bytes, Changed]:
    """The PDF of ``title``; every refusal as a StoreError (so the workbench shows it in words). The
    first print of the 定岗推荐票 draws their numbers (SPEC §10): then (pdf, Changed.BALLOTS), so the
    定岗推荐计票 tab shows the 印制 count."""
    from ..reports import fonts
    from ..services.report_data import build_pdf
    try:
        if title == "定岗推荐票":
            before = printed_counts(store)
            pdf = build_pdf(store, title, **options)
            return (pdf, Changed.BALLOTS) if printed_counts(store) != before else pdf
        return build_pdf(store, title, **options)
    except fonts.FontError as exc:
        raise StoreError(f"无法打印“{title}”：{exc}") from exc
    except (ValueError, KeyError) as exc:
        raise StoreError(f"无法打印“{title}”：数据不完整（{exc}）") from exc


def write_sheet_xlsx(store: Store, title: str, path: str, **options: Any) -> None:
    """The Excel version of ``title`` written to ``path``; a file that cannot be written as a StoreError."""
    from ..services.report_data import build_xlsx
    try:
        build_xlsx(store, title, path, **options)
    except OSError as exc:
        raise StoreError(f"{path}：无法写入（{exc.strerror or exc}）") from exc


def page_images(pdf: bytes, scale: float) -> list[QImage]:
    """Every page of ``pdf`` rendered at ``scale`` pixels per point."""
    import pypdfium2
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [pil_to_qimage(doc[i].render(scale=scale).to_pil()) for i in range(len(doc))]
    finally:
        doc.close()


def render_page(pdf: bytes, index: int, scale: float) -> QImage:
    import pypdfium2
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return pil_to_qimage(doc[index].render(scale=scale).to_pil())
    finally:
        doc.close()


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height in points of every page."""
    import pypdfium2
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [tuple(doc[i].get_size()) for i in range(len(doc))]
    finally:
        doc.close()


def pil_to_qimage(image: Any) -> QImage:
    rgb = image.convert("RGB")
    data = rgb.tobytes("raw", "RGB")
    return QImage(data, rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888).copy()


class PrintDialog(QDialog):
    """Choose a sheet, 预览, then 打印… (Ctrl+P) or 另存为 PDF… (Ctrl+S)."""

    def __init__(self, bench: Workbench, parent: QWidget | None = None, title: str | None = None):
        super().__init__(parent)
        self.bench = bench
        self.pdf: bytes | None = None
        self.images: list[QImage] = []
        self.pdf_title = ""
        self.setWindowTitle("打印公示表与会议用表")
        self.resize(1100, 700)

        self.sheet = QComboBox()
        for name, entry in SHEETS.items():
            label = {FORM: f"{name}（会议用表）", ROTATION: f"{name}（交流轮岗）"}.get(entry.kind, name)
            self.sheet.addItem(label, name)
            self.sheet.setItemData(self.sheet.count() - 1, entry.summary, Qt.ItemDataRole.ToolTipRole)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color:#555")
        self.draft = QCheckBox("草稿（阶段未公布也打印）")
        self.draft.setToolTip("所依据的阶段尚未公布时也打印，每页标“草稿（未公布）”")
        self.start_date = QDateEdit(QDate.currentDate())
        self.start_date.setCalendarPopup(True)
        self.start_date.setDisplayFormat("yyyy年M月d日")
        self.round_no = QSpinBox()
        self.round_no.setRange(0, 9)
        self.round_no.setSpecialValueText("最近公布的一次")
        self.round_no.setPrefix("第 ")
        self.round_no.setSuffix(" 次")
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("如 0000-1234567")
        self.mailbox = QLineEdit()
        self.mailbox.setPlaceholderText("电子信箱或地址")
        for field in (self.phone, self.mailbox):
            field.setToolTip("印在每张公示表的开头；预览时保存到竞岗文件（记入审计日志）")
        self.phase = QComboBox()
        for label in PHASE_LABELS.values():
            self.phase.addItem(label, label)
        self.selection_round = QSpinBox()
        self.selection_round.setRange(1, 99)
        self.selection_round.setPrefix("第 ")
        self.selection_round.setSuffix(" 轮")
        self.meeting = QComboBox()
        self.meeting.addItem("全部已抽签的会议", None)
        for m in MEETINGS:
            self.meeting.addItem(m, m)
        self.version = QComboBox()
        self.version.addItem("存档版（印计分人、复核人、监督人签字栏）", "filed")
        self.version.addItem("张贴版（不印签字栏）", "posted")
        self.as_of = QDateEdit(QDate.currentDate())
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy年M月d日")
        self.as_of.setToolTip("交流轮岗对象名单：审查截至此日；统计表：年龄按此日计算")
        self.copies = QSpinBox()
        self.copies.setRange(0, 999)
        self.copies.setSpecialValueText("默认")
        self.copies.setSuffix(" 张")
        # 定岗推荐票 (SPEC §10): 印制 张数 per voter group; numbers drawn at the first print, a reprint
        # uses the stored set (its 张数 are then shown and cannot be changed here).
        self.numbered = QCheckBox("带随机票号（首次印制时抽取，重印按原票号）")
        self.numbered.setChecked(True)
        self.group_counts: dict[str, QSpinBox] = {}
        self.group_row = QWidget()
        grid = QFormLayout(self.group_row)
        grid.setContentsMargins(0, 0, 0, 0)
        for g in GROUPS:
            box = QSpinBox()
            box.setRange(0, 9999)
            box.setSuffix(" 张")
            self.group_counts[g] = box
            grid.addRow(f"{GROUP_SHORT_LABELS[g]}：", box)

        self.form = QFormLayout()
        self.form.addRow("表：", self.sheet)
        self.form.addRow("", self.summary)
        self.form.addRow("", self.draft)
        self.form.addRow("版本：", self.version)
        self.form.addRow("公示期开始日期：", self.start_date)
        self.form.addRow("监督电话：", self.phone)
        self.form.addRow("监督信箱：", self.mailbox)
        self.form.addRow("阶段：", self.phase)
        self.form.addRow("轮次：", self.selection_round)
        self.form.addRow("第几次报岗：", self.round_no)
        self.form.addRow("会议：", self.meeting)
        self.form.addRow("张数：", self.copies)
        self.form.addRow("", self.numbered)
        self.form.addRow("各组印制：", self.group_row)
        self.form.addRow("截至日期：", self.as_of)

        self.preview_button = QPushButton("预览")
        self.print_button = QPushButton("打印…")
        self.print_button.setShortcut(QKeySequence("Ctrl+P"))
        self.print_button.setToolTip("Ctrl+P")
        self.save_button = QPushButton("另存为 PDF…")
        self.save_button.setShortcut(QKeySequence("Ctrl+S"))
        self.save_button.setToolTip("Ctrl+S")
        self.xlsx_button = QPushButton("另存为 Excel…")
        self.xlsx_button.setToolTip("同一内容的 Excel 工作簿（便于排序、筛选和报送）")
        self.xlsx_button.clicked.connect(self.save_xlsx)
        close = QPushButton("关闭")
        # Enter anywhere in the form (the 草稿 box, a date) previews: only 预览 is ever the default button.
        # (Qt makes a button the default while it has focus; tabbing past 关闭 then left Enter closing the dialog.)
        for button in (self.print_button, self.save_button, close):
            button.setAutoDefault(False)
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_pdf)
        self.save_button.clicked.connect(self.save_pdf)
        close.clicked.connect(self.reject)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.page_count = QLabel()
        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.pages_layout.setSpacing(12)
        self.pages.setStyleSheet("background:#808080")
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.pages)
        self.scroll.setWidgetResizable(True)

        left = QVBoxLayout()
        left.addLayout(self.form)
        left.addWidget(self.preview_button)
        left.addWidget(self.status)
        left.addStretch(1)
        left.addWidget(self.page_count)
        for b in (self.print_button, self.save_button, self.xlsx_button, close):
            left.addWidget(b)
        side = QWidget()
        side.setLayout(left)
        side.setFixedWidth(330)
        layout = QHBoxLayout(self)
        layout.addWidget(side)
        layout.addWidget(self.scroll, 1)

        self.sheet.currentIndexChanged.connect(self._sheet_changed)
        self.draft.toggled.connect(self._options_changed)
        self.version.currentIndexChanged.connect(self._options_changed)
        self.start_date.dateChanged.connect(self._options_changed)
        self.round_no.valueChanged.connect(self._options_changed)
        self.meeting.currentIndexChanged.connect(self._options_changed)
        self.phone.textEdited.connect(self._options_changed)
        self.mailbox.textEdited.connect(self._options_changed)
        self.phase.currentIndexChanged.connect(self._options_changed)
        self.selection_round.valueChanged.connect(self._options_changed)
        self.copies.valueChanged.connect(self._options_changed)
        self.numbered.toggled.connect(self._options_changed)
        for box in self.group_counts.values():
            box.valueChanged.connect(self._options_changed)
        self.as_of.dateChanged.connect(self._options_changed)
        if title is not None:
            self.choose(title)
        self._sheet_changed()
        self.preview_button.setDefault(True)   # now that it is in the dialog: the dialog's own default button

    # -- options -----------------------------------------------------------------------------------

    def current_title(self) -> str:
        return self.sheet.currentData()

    def choose(self, title: str) -> None:
        self.sheet.setCurrentIndex(self.sheet.findData(title))

    def _sheet_changed(self, *_: Any) -> None:
        title = self.current_title()
        entry = SHEETS[title]
        self.summary.setText(entry.summary)
        self.form.setRowVisible(self.draft, entry.kind != FORM and (bool(entry.needs) or title == "报岗情况公示"))
        publicity = entry.kind == SHEET       # every 公示: 公示期, 监督电话/信箱, posted or filed
        self.form.setRowVisible(self.start_date, publicity)
        self.form.setRowVisible(self.version, publicity)
        for field in (self.phone, self.mailbox):
            self.form.setRowVisible(field, publicity)
        if publicity:
            stored = self.bench.run(publicity_contacts)
            phone, mailbox = ("", "") if stored is FAILED else stored
            self.phone.setText(phone)
            self.mailbox.setText(mailbox)
            # Frozen with the 公示 they appear on (SPEC §9): set them before 人员名单 is locked.
            frozen = stages.stage_states(self.bench.store).get("roster") in ("locked", "published")
            for field in (self.phone, self.mailbox):
                field.setReadOnly(frozen)
                field.setToolTip("已随“人员名单”锁定，不能再改" if frozen else "")
        for field in (self.phase, self.selection_round):
            self.form.setRowVisible(field, title == "双向选择确认表")
        self.form.setRowVisible(self.round_no, title == "报岗情况公示")
        self.form.setRowVisible(self.meeting, title == "抽签记录")
        ballots = title == "定岗推荐票"
        self.form.setRowVisible(self.copies, entry.kind == FORM and title not in ("双向选择确认表", "定岗推荐票",
                                                                                  "开票前确认单", "抽查单"))
        self.copies.setToolTip("评委评分表为评委人数" if entry.kind == FORM else "")
        self.form.setRowVisible(self.numbered, ballots)
        self.form.setRowVisible(self.group_row, ballots)
        if ballots:
            self._ballot_defaults()
        self.form.setRowVisible(self.as_of, entry.kind == ROTATION)
        self.xlsx_button.setVisible(entry.kind == ROTATION)
        self._clear("请按“预览”。")

    def _options_changed(self, *_: Any) -> None:
        if self.pdf is not None:
            self._clear("选项已改动，请重新预览。")

    def options(self) -> dict[str, Any]:
        """The build_pdf options of the chosen sheet (only those it takes)."""
        title = self.current_title()
        entry = SHEETS[title]
        opts: dict[str, Any] = {}
        if self.form.isRowVisible(self.draft) and self.draft.isChecked():
            opts["draft"] = True
        if entry.kind == ROTATION:
            d = self.as_of.date()
            opts["as_of"] = date(d.year(), d.month(), d.day())
        if entry.kind == SHEET:
            d = self.start_date.date()
            opts["start_date"] = date(d.year(), d.month(), d.day())
            opts["version"] = self.version.currentData()
        if title == "报岗情况公示" and self.round_no.value():
            opts["round_no"] = self.round_no.value()
        if title == "双向选择确认表":
            opts["phase"] = self.phase.currentData()
            opts["round_no"] = self.selection_round.value()
        if title == "抽签记录" and self.meeting.currentData():
            opts["meeting"] = self.meeting.currentData()
        if entry.kind == FORM and self.copies.value() and self.form.isRowVisible(self.copies):
            opts["copies"] = self.copies.value()
        if title == "定岗推荐票":
            opts["numbered"] = self.numbered.isChecked()
            opts["print_counts"] = {g: box.value() for g, box in self.group_counts.items()}
        return opts

    def _ballot_defaults(self) -> None:
        """印制 per group: the stored set's size (a reprint, fixed) or those present (a first print)."""
        printed = self.bench.run(printed_counts)
        present = self.bench.run(presence)
        if printed is FAILED or present is FAILED:
            return
        for g, box in self.group_counts.items():
            box.blockSignals(True)
            box.setValue(printed[g] or present.get(g, 0))
            box.setEnabled(not printed[g])
            box.setToolTip(f"已印制 {printed[g]} 张（票号已保存），重印按原票号" if printed[g]
                           else "首次印制：按此张数抽取随机票号（可多于到会人数，备用票）")
            box.blockSignals(False)

    # -- preview -----------------------------------------------------------------------------------

    def _clear(self, text: str = "", error: bool = False) -> None:
        self.pdf, self.images, self.pdf_title = None, [], ""
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.page_count.setText("")
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.xlsx_button.setEnabled(False)
        self.show_status(text, error)

    def show_status(self, text: str, error: bool = False) -> None:
        self.status.setText(("⚠ " if error else "") + text)
        self.status.setStyleSheet("color:#b00020;font-weight:bold" if error else "color:#1e4620")

    def preview(self) -> bool:
        """Build the PDF and show its pages; a refusal is shown in words (no pages)."""
        title = self.current_title()
        refusals: list[str] = []
        self.bench.message.connect(self._collect, Qt.ConnectionType.DirectConnection)
        self._refusals = refusals
        try:
            pdf = FAILED
            if SHEETS[title].kind != SHEET or self.save_contacts():
                pdf = self.bench.run(build_sheet_pdf, title, **self.options())
        finally:
            self.bench.message.disconnect(self._collect)
        if pdf is FAILED:
            self._clear(refusals[-1] if refusals else f"无法打印“{title}”", error=True)
            return False
        if isinstance(pdf, tuple):          # numbers drawn: the workbench told the tabs
            pdf = pdf[0]
            self._ballot_defaults()
        try:
            images = page_images(pdf, PREVIEW_SCALE * self.devicePixelRatioF())
        except Exception as exc:  # noqa: BLE001 - a PDF that cannot be shown is reported, not raised
            self._clear(f"无法显示“{title}”的预览：{exc}", error=True)
            return False
        self._clear()
        self.pdf, self.images, self.pdf_title = pdf, images, title
        for number, image in enumerate(images, start=1):
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(self.devicePixelRatioF())
            label = QLabel()
            label.setPixmap(pixmap)
            label.setToolTip(f"第 {number} 页")
            self.pages_layout.addWidget(label)
        self.page_count.setText(f"共 {len(images)} 页")
        draft = " 草稿（未公布）" if self.options().get("draft") else ""
        self.show_status(f"已生成“{title}”{draft}，可打印或另存为 PDF。")
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.xlsx_button.setEnabled(SHEETS[title].kind == ROTATION)
        return True

    def save_contacts(self) -> bool:
        """The 监督电话 and 监督信箱 as typed, stored (audited) when they differ from the file's."""
        typed = (self.phone.text().strip(), self.mailbox.text().strip())
        stored = self.bench.run(publicity_contacts)
        if stored is FAILED:
            return False
        if typed == tuple(stored):
            return True
        return self.bench.run(set_publicity_contacts, *typed) is not FAILED

    def _collect(self, text: str, is_error: bool) -> None:
        if is_error:
            self._refusals.append(text)

    # -- save ----------------------------------------------------------------------------------------

    def default_path(self) -> str:
        stem = self.pdf_title + ("-草稿" if self.options().get("draft") else "")
        return str(Path(self.bench.store.location).with_name(f"{stem}.pdf"))

    def ask_save_path(self, default: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "另存为 PDF", default, "PDF 文件 (*.pdf)")
        return path

    def save_pdf(self) -> str | None:
        return self._save(self.ask_save_path, ".pdf", lambda path: self._write_pdf(path))

    def _write_pdf(self, path: str) -> bool:
        try:
            files.write_bytes(path, self.pdf)
        except OSError as exc:
            self.show_status(f"{path}：无法写入（{exc.strerror or exc}）", error=True)
            return False
        return True

    def ask_xlsx_path(self, default: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "另存为 Excel", default, "Excel 工作簿 (*.xlsx)")
        return path

    def save_xlsx(self) -> str | None:
        """The previewed document as Excel, built from the same options (a 交流轮岗 document)."""
        def write(path: str) -> bool:
            if self.bench.run(write_sheet_xlsx, self.pdf_title, path, **self.options()) is FAILED:
                self.show_status(f"无法保存 {path}", error=True)
                return False
            return True
        return self._save(self.ask_xlsx_path, ".xlsx", write)

    def _save(self, ask: Any, suffix: str, write: Any) -> str | None:
        """Ask where (the default beside the campaign file), add the suffix, write; the path, or None."""
        if self.pdf is None:
            return None
        path = ask(str(Path(self.default_path()).with_suffix(suffix)))
        if not path:
            return None
        if not path.lower().endswith(suffix):
            path += suffix
        if not write(path):
            return None
        self.show_status(f"已保存 {path}")
        self.bench.info(f"已保存“{self.pdf_title}” {path}")
        return path

    # -- print ---------------------------------------------------------------------------------------

    def make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setFullPage(True)              # the PDF carries its own 2 cm margins
        printer.setDocName(self.pdf_title)
        return printer

    def ask_print(self, printer: QPrinter) -> bool:
        """Qt's print dialog; True when the user chose 打印."""
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"打印“{self.pdf_title}”")
        dialog.setMinMax(1, len(self.images))
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintCurrentPage, False)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintSelection, False)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_pdf(self, printer: QPrinter | None = None) -> bool:
        if self.pdf is None:
            return False
        printer = printer if isinstance(printer, QPrinter) else self.make_printer()
        sizes = page_sizes(self.pdf)
        if sizes and sizes[0][0] > sizes[0][1]:
            printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        if not self.ask_print(printer):
            return False
        pages = self.pages_to_print(printer)
        if not pages:
            self.show_status("所选页码范围内没有页面。", error=True)
            return False
        painter = QPainter()
        if not painter.begin(printer):
            self.show_status("无法开始打印（打印机不可用）。", error=True)
            return False
        try:
            scale = min(printer.resolution(), MAX_PRINT_DPI) / 72
            for k, index in enumerate(pages):
                if k and not printer.newPage():
                    self.show_status("打印中断。", error=True)
                    return False
                image = render_page(self.pdf, index, scale)
                target = self.fit(image.size(), printer.paperRect(QPrinter.Unit.DevicePixel).toRect())
                painter.drawImage(target, image)
        finally:
            painter.end()
        self.show_status(f"已送打印：“{self.pdf_title}” {len(pages)} 页")
        self.bench.info(f"已打印“{self.pdf_title}” {len(pages)} 页")
        return True

    def pages_to_print(self, printer: QPrinter) -> list[int]:
        """0-based page indexes honouring the range chosen in the print dialog."""
        n = len(self.images)
        if printer.printRange() == QPrinter.PrintRange.PageRange:
            ranges = printer.pageRanges()
            if not ranges.isEmpty():
                return [i for i in range(n) if ranges.contains(i + 1)]
            if printer.fromPage():
                return list(range(printer.fromPage() - 1, min(printer.toPage() or n, n)))
        return list(range(n))

    @staticmethod
    def fit(size: QSize, rect: QRect) -> QRect:
        """``size`` scaled to fit ``rect`` keeping its proportions, centred."""
        scaled = size.scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = rect.x() + (rect.width() - scaled.width()) // 2
        y = rect.y() + (rect.height() - scaled.height()) // 2
        return QRect(x, y, scaled.width(), scaled.height())
