"""抽查与复核 (SPEC §11): the sampling audit from the 监督组's seed, a blind re-entry of a whole group,
and the list of every check with what it found.

- 抽查: after the count is closed the 监督组 announce the seed; the sizes per group are the suggestion
  (whole group when the count's margin is ≤ 5 ballots, else 10 %, at least 5) and can be changed;
  the sampled numbers are listed in pull order with their tickets and printed on the 抽查单.
- 复录: the 唱票 panel is pointed at a check; the clerk keys each pulled paper by its number, blind.
- 全组复核: every paper of one group keyed again (two clerks, or 唱票 twice), compared by number.
- 按复核结果更正: after the 监督组 reopened the count, a differing ballot is corrected to what the
  complete recount read (with a reason).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QInputDialog, QLabel, QLineEdit, QPushButton, QSpinBox, QTableView,
                               QVBoxLayout, QWidget)

from ...core.scheme import GROUP_LABELS, GROUP_SHORT_LABELS, GROUPS
from ...services import count, count_checks
from ...services.count_checks import RECOUNT, SAMPLE, CheckView
from ..table import CENTER, LEFT, Index
from ..workbench import FAILED, Workbench
from .ballot_panel import CheckTarget

RED, GREEN, GREY = QColor("#b00020"), QColor("#1e6b2e"), QColor("#777777")


class CheckLinesModel(QAbstractTableModel):
    """Every number of every check: which check, group, place, number, ticket, keyed again, result."""

    HEADERS = ("检查", "投票组", "序", "票号", "键值（前 16 位）", "已复录", "结果")

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.rows: list[tuple[CheckView, str, Any]] = []     # (check, group, line or an extra difference)

    def set_checks(self, views: list[CheckView]) -> None:
        self.beginResetModel()
        self.rows = [(v, part.group, line) for v in views for part in v.groups for line in part.lines]
        self.rows += [(v, part.group, extra) for v in views for part in v.groups for extra in part.extra]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        view, group, line = self.rows[index.row()]
        col = index.column()
        extra = isinstance(line, str)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f"第 {view.id} 次 {'抽查' if view.kind == SAMPLE else '全组复核'}"
            if col == 1:
                return GROUP_SHORT_LABELS[group]
            if extra:
                return {6: line}.get(col, "")
            if col == 2:
                return str(line.position)
            if col == 3:
                return line.number
            if col == 4:
                return line.ticket[:16]
            if col == 5:
                return "✓" if line.keyed else ""
            if col == 6:
                if line.differences:
                    return "；".join(line.differences)
                return "一致" if line.keyed else ("找不到（已结束）" if view.complete else "待复录")
        if role == Qt.ItemDataRole.ForegroundRole and col == 6:
            if extra or line.differences:
                return QBrush(RED)
            return QBrush(GREEN if line.keyed else GREY)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(CENTER if col in (2, 5) else LEFT)
        if role == Qt.ItemDataRole.ToolTipRole and col == 4 and not extra:
            return line.ticket
        return None

    def check_at(self, row: int) -> CheckView | None:
        return self.rows[row][0] if 0 <= row < len(self.rows) else None

    def line_at(self, row: int) -> Any:
        return self.rows[row][2] if 0 <= row < len(self.rows) else None


class ChecksDialog(QDialog):
    def __init__(self, bench: Workbench, tab: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.bench, self.tab = bench, tab
        self.setWindowTitle("抽查与复核")
        self.resize(980, 640)
        layout = QVBoxLayout(self)
        self.margin = QLabel()
        self.margin.setWordWrap(True)
        layout.addWidget(self.margin)

        top = QHBoxLayout()
        sample = QGroupBox("抽查（计票结束后，按监督组现场公布的种子）")
        form = QFormLayout(sample)
        self.seed = QLineEdit()
        self.seed.setPlaceholderText("监督组公布的抽查种子，如 2718")
        form.addRow("抽查种子：", self.seed)
        self.sizes: dict[str, QSpinBox] = {}
        for g in GROUPS:
            box = QSpinBox()
            box.setSuffix(" 张")
            self.sizes[g] = box
            form.addRow(f"{GROUP_LABELS[g]}：", box)
        self.sample_button = QPushButton("开始抽查")
        self.sample_button.clicked.connect(self.start_sample)
        form.addRow("", self.sample_button)
        top.addWidget(sample, 1)

        recount = QGroupBox("全组盲录复核（两人各录一遍，或唱票两遍，按票号逐张比对）")
        rform = QFormLayout(recount)
        self.recount_group = QComboBox()
        for g in GROUPS:
            self.recount_group.addItem(GROUP_LABELS[g], g)
        rform.addRow("投票组：", self.recount_group)
        self.recount_reason = QLineEdit("全组盲录复核")
        rform.addRow("原因：", self.recount_reason)
        self.recount_button = QPushButton("开始全组复核")
        self.recount_button.clicked.connect(self.start_recount)
        rform.addRow("", self.recount_button)
        top.addWidget(recount, 1)
        layout.addLayout(top)

        self.model = CheckLinesModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)

        buttons = QHBoxLayout()
        self.print_button = QPushButton("打印抽查单…")
        self.print_button.clicked.connect(lambda: self.tab.print_sheet("抽查单"))
        self.reenter_button = QPushButton("在唱票区复录所选检查")
        self.reenter_button.clicked.connect(self.reenter_selected)
        self.stop_button = QPushButton("结束复录，回到计票")
        self.stop_button.clicked.connect(self.stop_reentry)
        self.finish_button = QPushButton("复录完毕（有票找不到）…")
        self.finish_button.clicked.connect(self.finish_selected)
        self.correct_button = QPushButton("按复核结果更正所选票…")
        self.correct_button.clicked.connect(self.correct_selected)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        for b in (self.print_button, self.reenter_button, self.stop_button, self.finish_button, self.correct_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.refresh()

    # -- reading -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        views = self.bench.run(count_checks.list_checks)
        views = [] if views is FAILED else views
        self.model.set_checks(views)
        self.views = views
        margin = self.bench.run(count.margin_line)
        suggested = self.bench.run(count_checks.suggested_sizes)
        suggested = {} if suggested is FAILED else suggested
        entered = self.bench.run(count.accounting)
        for g, box in self.sizes.items():
            n = entered.groups[g].entered if entered is not FAILED and entered.groups[g].numbered else 0
            box.setRange(0, n)
            box.setValue(suggested.get(g, 0))
            box.setEnabled(n > 0)
        text = margin.sentence if margin is not FAILED else ""
        if margin is not FAILED and margin.ballots is not None:
            rule = "余量不超过 5 张：各组全部抽查" if margin.ballots <= 5 else "各组抽查 10%，至少 5 张"
            text += f"（{margin.decision}）。建议抽查张数：{rule}；可修改。"
        self.margin.setText(text)
        sampled = any(v.kind == SAMPLE for v in views)
        self.sample_button.setEnabled(not sampled)
        self.seed.setEnabled(not sampled)
        if sampled:
            self.seed.setText(next(v.seed for v in views if v.kind == SAMPLE) or "")

    def selected(self) -> tuple[CheckView | None, Any]:
        row = self.view.currentIndex().row()
        check = self.model.check_at(row)
        if check is None and self.views:
            open_ = [v for v in self.views if not v.complete]
            check = open_[-1] if open_ else self.views[-1]
        return check, self.model.line_at(row)

    def say(self, text: str, ok: bool = True) -> None:
        self.status.setText(("✓ " if ok else "⚠ ") + text)
        self.status.setStyleSheet("color:#1e4620" if ok else "color:#b00020;font-weight:bold")

    def _failed(self) -> None:
        self.say(str(self.bench.last_error), False)

    # -- actions -----------------------------------------------------------------------------------

    def start_sample(self) -> CheckView | None:
        sizes = {g: box.value() for g, box in self.sizes.items() if box.isEnabled()}
        wrote = self.bench.run(count_checks.start_sample, self.seed.text(), sizes,
                               what=f"抽查（种子 {self.seed.text().strip()}）")
        if wrote is FAILED:
            self._failed()
            return None
        self.refresh()
        self.say(f"已按种子 {wrote.value} 抽取选票，请打印抽查单，按票号取出选票后在唱票区复录")
        return wrote.result

    def start_recount(self) -> CheckView | None:
        group = self.recount_group.currentData()
        wrote = self.bench.run(count_checks.start_recount, group, self.recount_reason.text().strip() or "全组盲录复核",
                               what=f"{GROUP_LABELS[group]}全组复核 ")
        if wrote is FAILED:
            self._failed()
            return None
        self.refresh()
        self.say(f"已开始{GROUP_LABELS[group]}全组复核：请在唱票区逐张复录（看不到原录入）")
        return wrote.result

    def reenter_selected(self) -> bool:
        check, _ = self.selected()
        if check is None:
            self.say("还没有抽查或复核", False)
            return False
        if check.complete:
            self.say(f"{check.label}已完成，无需再复录", False)
            return False
        target = CheckTarget(check.id, check.label, tuple(g.group for g in check.groups))
        self.tab.ballot_mode.setChecked(True)           # the papers are keyed on the 唱票 panel
        self.tab.ballot_panel.start_check(target, check)
        self.accept()
        return True

    def stop_reentry(self) -> None:
        self.tab.ballot_panel.stop_check()
        self.say("已回到计票录入")

    def finish_selected(self) -> bool:
        check, _ = self.selected()
        if check is None or check.complete:
            self.say("没有未完成的检查", False)
            return False
        reason, ok = QInputDialog.getText(self, "复录完毕", "未复录的票号视为找不到，记为差异。请说明理由：")
        if not ok:
            return False
        wrote = self.bench.run(count_checks.finish_check, check.id, expected_version=check.version, reason=reason,
                               what=f"结束{check.label} ")
        if wrote is FAILED:
            self._failed()
            return False
        self.refresh()
        self.say(f"{check.label}已结束")
        return True

    def correct_selected(self) -> bool:
        check, line = self.selected()
        if check is None or check.kind != RECOUNT or isinstance(line, str) or line is None or not line.differences:
            self.say("请选择全组复核中一张不一致的票", False)
            return False
        found = self.bench.run(count_checks.reentered_marks, check.id, line.number)
        if found is FAILED or found is None:
            self.say(f"票号 {line.number} 复核时未录入，不能按复核结果更正", False)
            return False
        marks, void = found
        reason, ok = QInputDialog.getText(self, "按复核结果更正", f"票号 {line.number} 按全组复核的结果更正。理由：",
                                          text="全组复核与原票一致，原录入有误")
        if not ok:
            return False
        version = self.bench.run(count_checks.ballot_version, line.number)
        if version is FAILED:
            self._failed()
            return False
        wrote = self.bench.run(count_checks.correct_ballot, line.number, marks, void=void, reason=reason,
                               expected_version=version, what=f"更正票号 {line.number} ")
        if wrote is FAILED:
            self._failed()
            return False
        self.refresh()
        self.say(f"已更正票号 {line.number} 的选票")
        return True

