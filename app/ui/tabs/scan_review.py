"""扫描计票 复核 (SPEC §12 *Never guessed*): the doubtful boxes and invalid marks a person decides, a
second person confirms; the pages the reader rejected, with the reason and what to do; the
differences between 唱票 and the scan that the 监督组 resolve.

One key per decision on the 待复核 page: **1…n** — the n-th box of the candidate's row (its number and
post shown on the crop and in the legend) is the mark; **0** — 空白; **X** — 无效. Then the next item
comes up. The second person types their name once (确认人) and confirms each decision with **Enter**,
or sends it back with **Backspace**. Every decision goes to the service with the version shown
(compare-and-set): another laptop's change is named, nothing is overwritten. The view decides
nothing: the queue, the fills, what is doubtful or invalid and why all come from
:mod:`app.services.scanning`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QKeySequence, QPainter, QPen, QPixmap, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget)

from ...core.scheme import GROUP_LABELS, GROUPS
from ...services import scanning
from ...services.store import Changed, StoreError
from ..table import CENTER, Column, RowTableModel
from ..workbench import FAILED, Workbench

INVALID_KEY = "X"
CONFIRM_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
SEND_BACK_KEY = Qt.Key.Key_Backspace
RED, BLUE = QColor("#d00000"), QColor("#1f5fbf")


def mark_text(item: Any, mark: str | None) -> str:
    """A decided mark in words, with the box's number on the screen: ``2 建议 P3 财务科科长`` / 空白 / 无效."""
    if mark is None:
        return ""
    if mark == "blank":
        return "0 空白"
    if mark == "invalid":
        return f"{INVALID_KEY} 无效"
    for n, box in enumerate(keyed_boxes(item), start=1):
        if box.choice == mark:
            return f"{n} {choice_text(box.choice, box.post_name)}"
    return mark


def keyed_boxes(item: Any) -> tuple:
    """The boxes the keys 1…9 choose, in printed order: the whole row when it has at most nine boxes, else the
    boxes the reader found ink in (doubtful or marked) — the only ones a person may find to be the mark (a box
    below the lower threshold is empty). The screen numbers exactly these."""
    boxes = tuple(item.boxes)
    return boxes if len(boxes) <= 9 else tuple(b for b in boxes if b.auto != "empty")[:9]


def choice_text(choice: str, post_name: str = "") -> str:
    """``agree:P1`` → 同意 P1 办公室科长, in the service's words."""
    return scanning.mark_words(choice, {choice.partition(":")[2]: post_name})


def state_text(item: Any) -> str:
    if item.decided is None:
        return "待判定"
    if item.confirmed_by:
        return f"已确认（{item.confirmed_by}）"
    return f"待确认：{item.decided_by} 判为 {mark_text(item, item.decided)}"


# -- the tables ------------------------------------------------------------------------------------

class QueueModel(RowTableModel):
    COLUMNS = (
        Column("group", "投票组", lambda r: GROUP_LABELS.get(r.group, r.group)),
        Column("number", "票号", lambda r: r.number, CENTER),
        Column("person", "人员", lambda r: r.person_name),
        Column("why", "原因", lambda r: r.why_text),
        Column("state", "状态", lambda r: state_text(r)),
        Column("file", "扫描文件", lambda r: r.file),
    )

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self.row_at(index.row())
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#b00020") if item.decided is None else QColor("#9a5b00")
        return super().data(index, role)


class RejectedModel(RowTableModel):
    COLUMNS = (
        Column("file", "扫描文件", lambda p: p.file),
        Column("status", "结果", lambda p: scanning.STATUS_LABELS.get(p.status, p.status)),
        Column("reason", "原因", lambda p: p.reason),
        Column("action", "处理办法", lambda p: p.action),
        Column("group", "投票组", lambda p: GROUP_LABELS.get(p.group, p.group or "")),
        Column("number", "票号", lambda p: p.number or "", CENTER),
    )


class DifferenceModel(RowTableModel):
    COLUMNS = (
        Column("group", "投票组", lambda d: GROUP_LABELS.get(d.group, d.group)),
        Column("number", "票号", lambda d: d.number, CENTER),
        Column("person", "人员", lambda d: d.person_name or "（整张）"),
        Column("keyed", "唱票", lambda d: scanning.mark_words(d.keyed, {})),
        Column("scanned", "扫描", lambda d: scanning.mark_words(d.scanned, {})),
        Column("words", "差异", lambda d: d.words),
    )


def resolve_choices(d: Any) -> list[tuple[str, str]]:
    """(label, mark) the 监督组 may choose for a difference, as the service takes them."""
    if d.kind == scanning.ONLY_KEYED:
        return [("以唱票为准：保留唱票录入的这张票", "keyed")]
    if d.kind == scanning.ONLY_SCANNED:
        return [("按扫描计入这张票", "scanned"), ("以唱票为准：搁置这张扫描", "keyed")]
    out: list[tuple[str, str]] = []
    for label, mark in (("唱票", d.keyed), ("扫描", d.scanned), ("纸票为", "blank"), ("纸票为", "invalid")):
        if mark != scanning.DOUBTFUL and mark not in [m for _, m in out]:
            out.append((f"{label}：{scanning.mark_words(mark, {})}", mark))
    return out


def table(model: RowTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setDefaultSectionSize(22)
    view.horizontalHeader().setStretchLastSection(True)
    return view


# -- the pictures ----------------------------------------------------------------------------------

def draw_boxes(image: QImage, boxes: tuple, questioned: set[int], *, labels: bool, scale: float = 1.0,
               offset: tuple[int, int] = (0, 0), numbers: list[int] | None = None) -> QImage:
    """``image`` (RGB) with the candidate's boxes outlined (blue, with their key numbers 1…n) and the
    questioned ones red and thick."""
    out = image.convertToFormat(QImage.Format.Format_RGB32)
    p = QPainter(out)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont(p.font())
    for n, box in enumerate(boxes, start=1):
        x, y, w, h = box.rect
        r = QRect(round((x - offset[0]) * scale), round((y - offset[1]) * scale), round(w * scale), round(h * scale))
        hot = n - 1 in questioned
        pen = QPen(RED if hot else BLUE)
        # the crop is enlarged (scale > 1); the whole page is shown about a quarter of its size
        pen.setWidthF((5.0 if hot else 2.5) * scale if labels else (10.0 if hot else 5.0))
        p.setPen(pen)
        p.drawRect(r.adjusted(-3, -3, 3, 3))
        if labels:
            font.setPixelSize(max(14, round(r.height() * 0.55)))
            font.setBold(True)
            p.setFont(font)
            label = QRect(r.x() + r.width() // 6, r.y() - r.height() - 8, r.width() * 2 // 3, r.height())
            p.fillRect(label, QColor("#ffffff"))
            p.drawRect(label)
            p.drawText(label, int(Qt.AlignmentFlag.AlignCenter), str(numbers[n - 1] if numbers else n))
    p.end()
    return out


class FittedImage(QLabel):
    """An image shown whole, scaled to the label's size whenever that changes."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.image: QImage | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self.image is None:
            self.clear()
            return
        self.setPixmap(QPixmap.fromImage(self.image).scaled(
            max(1, self.width() - 4), max(1, self.height() - 4), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))


class PageView(QWidget):
    """The crop of the candidate's row, enlarged, beside the whole page (scaled to fit)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        self.crop_title = QLabel("放大：")
        self.crop = QLabel()
        self.crop.setWordWrap(True)
        self.crop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.crop.setMinimumSize(420, 150)
        self.crop.setStyleSheet("background:#ffffff;border:1px solid #999")
        left.addWidget(self.crop_title)
        left.addWidget(self.crop, 1)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setStyleSheet("font-size:15px")
        left.addWidget(self.legend)
        layout.addLayout(left, 3)
        right = QVBoxLayout()
        right.addWidget(QLabel("整页："))
        self.page = FittedImage()
        self.page.setMinimumSize(220, 300)
        self.page.setStyleSheet("background:#f4f4f4;border:1px solid #999")
        right.addWidget(self.page, 1)
        layout.addLayout(right, 2)
        self._images: dict[int, QImage] = {}

    def clear(self) -> None:
        self.crop.clear()
        self.page.set_image(None)
        self.legend.setText("")
        self.crop_title.setText("放大：")

    def show_item(self, item: Any, png: bytes | str) -> None:
        keyed = keyed_boxes(item)
        keys = [f"<b>{n}</b>&nbsp;{choice_text(b.choice, b.post_name)}（填涂 {b.fill}）"
                + ("" if getattr(b, "page_id", item.page_id) == item.page_id else "（另一页）")
                for n, b in enumerate(keyed, start=1)]
        keys += ["<b>0</b>&nbsp;空白", f"<b>{INVALID_KEY}</b>&nbsp;无效"]
        self.legend.setText("　".join(keys))
        self.crop_title.setText(f"放大：{item.person_name} 的一行（红框：{item.why_text}）")
        if isinstance(png, str):
            self.crop.setText(f"（{png}）\n请看纸质选票判定")
            self.page.set_image(None)
            return
        image = QImage.fromData(png)
        # a row spanning both pages of a wide ballot: only the boxes on this page's image are drawn
        row = tuple(b for b in item.boxes if getattr(b, "page_id", item.page_id) == item.page_id)
        shown = tuple(b for b in keyed if b in row)        # numbered on screen: what the keys choose
        questioned = {i for i, b in enumerate(shown) if b.auto != "empty"}
        if image.isNull() or not row:
            self.crop.setText("（该页图像无法显示）")
            return
        xs = [b.rect[0] for b in row] + [b.rect[0] + b.rect[2] for b in row]
        ys = [b.rect[1] for b in row] + [b.rect[1] + b.rect[3] for b in row]
        h = max(b.rect[3] for b in row)
        # the row from the candidate's name (left of the boxes) to past the last box; room above for the numbers
        left, top = max(0, min(xs) - 7 * h), max(0, min(ys) - round(1.6 * h))
        area = QRect(left, top, min(image.width(), max(xs) + h) - left,
                     min(image.height(), max(ys) + round(0.5 * h)) - top)
        target_w = max(self.crop.width(), 420) - 8
        scale = min(target_w / max(1, area.width()), (max(self.crop.height(), 150) - 8) / max(1, area.height()), 4.0)
        cut = image.copy(area).scaled(round(area.width() * scale), round(area.height() * scale),
                                      Qt.AspectRatioMode.IgnoreAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation)
        numbers = [keyed.index(b) + 1 for b in shown]
        self.crop.setPixmap(QPixmap.fromImage(draw_boxes(cut, shown, questioned, labels=True, scale=scale,
                                                         offset=(area.x(), area.y()), numbers=numbers)))
        self.page.set_image(draw_boxes(image, shown, questioned, labels=False))


# -- the dialog ------------------------------------------------------------------------------------

class ReviewDialog(QDialog):
    """复核 扫描选票: 待复核 (keys), 未识读的页, 唱票与扫描差异."""

    def __init__(self, bench: Workbench, parent: QWidget | None = None):
        super().__init__(parent)
        self.bench = bench
        self.setWindowTitle("扫描计票：复核")
        self.items: list[Any] = []
        self._png: dict[int, bytes | str] = {}     # page id → its PNG, or why it cannot be shown
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        # 待复核
        review = QWidget()
        rl = QVBoxLayout(review)
        top = QHBoxLayout()
        self.counts = QLabel()
        self.counts.setStyleSheet("font-weight:bold")
        top.addWidget(self.counts, 1)
        top.addWidget(QLabel(f"判定人：{bench.store.operator}　确认人（第二人）："))
        self.confirmer = QLineEdit()
        self.confirmer.setPlaceholderText("第二人姓名，本次复核填一次")
        self.confirmer.setMaximumWidth(200)
        self.confirmer.returnPressed.connect(self.focus_queue)
        top.addWidget(self.confirmer)
        rl.addLayout(top)
        self.queue_model = QueueModel(self)
        self.queue = table(self.queue_model)
        self.queue.setMinimumHeight(150)
        self.queue.setMaximumHeight(170)
        for col, width in enumerate((130, 70, 80, 280, 330)):
            self.queue.horizontalHeader().resizeSection(col, width)
        self.queue.selectionModel().currentRowChanged.connect(lambda *_: self.show_current())
        self.queue.installEventFilter(self)
        rl.addWidget(self.queue)
        self.page_view = PageView()
        rl.addWidget(self.page_view, 1)
        self.keys = QLabel(f"按键：1…n 第 n 个框为所选　0 空白　{INVALID_KEY} 无效　"
                           "Enter 确认（第二人）　Backspace 退回重判")
        self.keys.setStyleSheet("color:#333;font-weight:bold")
        rl.addWidget(self.keys)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#b00020;font-weight:bold")
        rl.addWidget(self.error)
        self.tabs.addTab(review, "待复核")

        # 未识读的页
        rejected = QWidget()
        jl = QVBoxLayout(rejected)
        hint = QLabel("未识读的页没有计入：按“处理办法”重新扫描该页；仍不能识读的，在“唱票录入”中按票号手工录入该票。")
        hint.setWordWrap(True)
        jl.addWidget(hint)
        self.rejected_model = RejectedModel(self)
        self.rejected = table(self.rejected_model)
        for col, width in enumerate((150, 60, 300, 480, 130)):
            self.rejected.horizontalHeader().resizeSection(col, width)
        jl.addWidget(self.rejected, 1)
        self.tabs.addTab(rejected, "未识读的页")

        # 唱票与扫描差异
        diffs = QWidget()
        dl = QVBoxLayout(diffs)
        dhint = QLabel("同一投票组既唱票又扫描时逐张比对；每处差异须由监督组核对纸质选票后认定并说明理由，"
                       "全部认定后才能结束计票。")
        dhint.setWordWrap(True)
        dl.addWidget(dhint)
        channels = QHBoxLayout()
        channels.addWidget(QLabel("既唱票又扫描（逐张比对）的投票组："))
        self.channel_boxes: dict[str, QCheckBox] = {}
        for g in GROUPS:
            box = QCheckBox(GROUP_LABELS[g])
            box.clicked.connect(lambda on, g=g: self.set_channel(g, on))
            channels.addWidget(box)
            self.channel_boxes[g] = box
        channels.addStretch(1)
        dl.addLayout(channels)
        self.diff_model = DifferenceModel(self)
        self.diffs = table(self.diff_model)
        self.diffs.selectionModel().currentRowChanged.connect(lambda *_: self._difference_chosen())
        for col, width in enumerate((130, 70, 80, 150, 150)):
            self.diffs.horizontalHeader().resizeSection(col, width)
        dl.addWidget(self.diffs, 1)
        form = QFormLayout()
        self.diff_mark = QComboBox()
        form.addRow("以纸质选票为准：", self.diff_mark)
        self.diff_reason = QLineEdit()
        self.diff_reason.setPlaceholderText("如：监督组核对纸质选票，该框为铅笔勾选")
        form.addRow("理由：", self.diff_reason)
        dl.addLayout(form)
        self.resolve_button = QPushButton("监督组认定")
        self.resolve_button.setAutoDefault(False)
        self.resolve_button.clicked.connect(self.resolve)
        dl.addWidget(self.resolve_button, 0, Qt.AlignmentFlag.AlignRight)
        self.diff_error = QLabel()
        self.diff_error.setStyleSheet("color:#b00020;font-weight:bold")
        self.diff_error.setWordWrap(True)
        dl.addWidget(self.diff_error)
        self.tabs.addTab(diffs, "唱票与扫描差异")

        close = QPushButton("关闭")
        close.setAutoDefault(False)          # Enter is the second person's key, never 关闭
        close.clicked.connect(self.accept)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        esc = QShortcut(QKeySequence("Esc"), self)
        esc.activated.connect(self.accept)
        bench.changed.connect(self.on_changed)
        self.resize(1300, 720)
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        self.queue.setFocus()              # the keys go to the queue at once

    # -- reading -------------------------------------------------------------------------------------

    def on_changed(self, change: Any) -> None:
        if change.flags & Changed.BALLOTS and not change.started_by(self):
            self.refresh()

    def refresh(self, keep: str | None = None) -> None:
        """Read the queue, the pages and the differences; stay on ``keep`` (an item key) if it is
        still open, else take the first item (undecided first, as the service orders them)."""
        keep = keep if keep is not None else (self.current().key if self.current() else None)
        try:        # reads beside a write: not through bench.run, which would replace bench.last_error
            items = scanning.review_queue(self.bench.store)
            pages = scanning.scanned_pages(self.bench.store)
            diffs = scanning.channel_differences(self.bench.store)
            channels = scanning.second_channels(self.bench.store)
        except StoreError as err:
            self.error.setText(f"扫描记录未能读取：{getattr(err, 'cause', err)}")
            return
        self.items = list(items)
        self.queue_model.set_rows(self.items)
        self.rejected_model.set_rows([p for p in pages if p.status == "rejected"])
        self.diff_model.set_rows(list(diffs))
        for g, box in self.channel_boxes.items():
            box.setChecked(g in channels)
        undecided = sum(1 for i in self.items if i.decided is None)
        self.counts.setText(f"待判定 {undecided} 项　待确认 {len(self.items) - undecided} 项")
        self.tabs.setTabText(0, f"待复核（{len(self.items)}）")
        self.tabs.setTabText(1, f"未识读的页（{self.rejected_model.rowCount()}）")
        self.tabs.setTabText(2, f"唱票与扫描差异（{len(diffs)}）")
        row = next((i for i, it in enumerate(self.items) if it.key == keep),
                   0 if self.items else -1)
        if row >= 0:
            self.queue.setCurrentIndex(self.queue_model.index(row, 0))
        self.show_current()
        self._difference_chosen()

    def current(self) -> Any:
        index = self.queue.currentIndex()
        return self.items[index.row()] if index.isValid() and index.row() < len(self.items) else None

    def show_current(self) -> None:
        item = self.current()
        if item is None:
            self.page_view.clear()
            self.page_view.crop_title.setText("没有待复核的标记" if not self.items else "放大：")
            return
        if item.page_id not in self._png:
            try:
                self._png[item.page_id] = scanning.page_image(self.bench.store, item.page_id)
            except StoreError as err:       # no image kept, or it does not match its SHA-256: say so
                self._png[item.page_id] = str(getattr(err, "cause", err))
        self.page_view.show_item(item, self._png[item.page_id])

    def focus_queue(self) -> None:
        self.queue.setFocus()

    # -- keys ------------------------------------------------------------------------------------------

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt name
        if obj is self.queue and event.type() == event.Type.KeyPress and self.handle_key(event):
            return True
        return super().eventFilter(obj, event)

    def handle_key(self, event) -> bool:
        key, text = event.key(), event.text().upper()
        item = self.current()
        if item is None:
            return False
        if text.isdigit() and len(text) == 1:
            n = int(text)
            if n == 0:
                self.decide(item, "blank")
            elif n <= len(keyed_boxes(item)):
                self.decide(item, keyed_boxes(item)[n - 1].choice)
            else:
                n_keys = len(keyed_boxes(item))
                self.say(f"{item.person_name} 的一行可选的框只有 {n_keys} 个：请按 1…{n_keys}、0 或 {INVALID_KEY}")
            return True
        if text == INVALID_KEY:
            self.decide(item, "invalid")
            return True
        if key in CONFIRM_KEYS:
            self.confirm(item)
            return True
        if key == SEND_BACK_KEY:
            self.send_back(item)
            return True
        return False

    def say(self, text: str) -> None:
        self.error.setText(text)
        if text:
            self.bench.message.emit(text, True)

    def _what(self, item: Any) -> str:
        return f"{GROUP_LABELS.get(item.group, item.group)}票号 {item.number} {item.person_name} "

    def decide(self, item: Any, mark: str) -> bool:
        after = self._next_after(item)
        result = self.bench.run(scanning.decide, item.key, mark, initiator=self, expected_version=item.version,
                                what=self._what(item) + f"判为 {mark_text(item, mark)} ")
        if result is FAILED:
            self.error.setText(str(self.bench.last_error))
            self.refresh(keep=item.key)
            return False
        self.error.setText("")
        self.bench.info(result.label or f"已判定：{self._what(item)}{mark_text(item, mark)}")
        self.refresh(keep=after)
        return True

    def _next_after(self, item: Any) -> str | None:
        """The item to show after ``item`` was acted on: the next undecided one after it, else the first."""
        i = next((k for k, it in enumerate(self.items) if it.key == item.key), -1)
        later = [it for it in self.items[i + 1:] if it.decided is None]
        return later[0].key if later else None

    def confirmer_name(self, item: Any) -> str | None:
        name = self.confirmer.text().strip()
        if not name:
            self.say("请先在“确认人”框填写第二人的姓名（本次复核填一次）")
            self.confirmer.setFocus()
            return None
        if name == item.decided_by:
            self.say(f"须由另一人确认：确认人“{name}”与判定人（{item.decided_by}）相同")
            return None
        return name

    def _next_to_confirm(self, item: Any) -> str | None:
        i = next((k for k, it in enumerate(self.items) if it.key == item.key), -1)
        later = [it for it in self.items[i + 1:] if it.decided is not None]
        return later[0].key if later else None

    def confirm(self, item: Any) -> bool:
        if item.decided is None:
            self.say(f"{item.person_name}：先按 1…{len(keyed_boxes(item))}、0 或 {INVALID_KEY} 判定，再由第二人按 Enter 确认")
            return False
        name = self.confirmer_name(item)
        if name is None:
            return False
        result = self.bench.run(scanning.confirm, item.key, name, initiator=self, expected_version=item.version,
                                what=self._what(item) + f"的判定（{mark_text(item, item.decided)}）确认 ")
        if result is FAILED:
            self.error.setText(str(self.bench.last_error))
            self.refresh(keep=item.key)
            return False
        self.error.setText("")
        self.bench.info(result.label or f"已确认：{self._what(item)}{mark_text(item, item.decided)}")
        self.refresh()
        return True

    def send_back(self, item: Any) -> bool:
        if item.decided is None:
            self.say(f"{item.person_name} 尚未判定，无需退回")
            return False
        name = self.confirmer_name(item)
        if name is None:
            return False
        result = self.bench.run(scanning.send_back, item.key, name, initiator=self, expected_version=item.version,
                                what=self._what(item) + "的判定退回 ")
        if result is FAILED:
            self.error.setText(str(self.bench.last_error))
            self.refresh(keep=item.key)
            return False
        self.error.setText("")
        self.bench.info(result.label or f"已退回重判：{self._what(item)}")
        self.refresh(keep=item.key)
        return True

    # -- differences -------------------------------------------------------------------------------------

    def current_difference(self) -> Any:
        index = self.diffs.currentIndex()
        rows = self.diff_model.rows()
        return rows[index.row()] if index.isValid() and index.row() < len(rows) else None

    def _difference_chosen(self) -> None:
        d = self.current_difference()
        self.diff_mark.clear()
        self.resolve_button.setEnabled(d is not None)
        if d is None:
            return
        for label, mark in resolve_choices(d):
            self.diff_mark.addItem(label, mark)

    def set_channel(self, group: str, on: bool) -> bool:
        result = self.bench.run(scanning.set_second_channel, group, on, initiator=self,
                                what=f"{GROUP_LABELS[group]}的双渠道比对 ")
        if result is FAILED:
            self.diff_error.setText(str(self.bench.last_error))
            self.refresh()
            return False
        self.diff_error.setText("")
        self.bench.info(result.label)
        self.refresh()
        return True

    def resolve(self) -> bool:
        d = self.current_difference()
        if d is None:
            return False
        reason = self.diff_reason.text().strip()
        if not reason:
            self.diff_error.setText("请填写理由（监督组核对纸质选票的结论）")
            return False
        mark = self.diff_mark.currentData()
        result = self.bench.run(scanning.resolve_difference, d.group, d.number, d.person, mark, reason,
                                initiator=self, expected_version=d.version, what=f"{d.words}的认定 ")
        if result is FAILED:
            self.diff_error.setText(str(self.bench.last_error))
            self.refresh()
            return False
        self.diff_error.setText("")
        self.diff_reason.clear()
        self.bench.info(result.label or "已认定差异")
        self.refresh()
        return True
