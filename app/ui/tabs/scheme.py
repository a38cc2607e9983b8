"""Tab 8 方案设置: every weight, threshold and count of the scheme, grouped by the 细则's clauses.

Type a value (weights 0.35, thresholds 1/3), watch the sums (合计 1.00 ✓), press 应用 (Ctrl+S): the
whole form is checked and every problem is listed beside it, nothing saved; once scores exist a
reason is asked and logged. Fields that differ from the stored scheme are tinted until applied.

A change refers to the scheme version the form was drawn from: another laptop having changed the
scheme since is said with who and what, and nothing is written. A change that could not be saved
keeps every field as typed and says 未保存 until it is applied or given up (放弃修改).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from ...services.scheme import check_change, default_scheme, scheme_state, set_scheme
from ...services.store import Changed, Wrote
from ..dialogs import ReasonDialog, save_from_form
from ..workbench import FAILED
from .base import TabPage
from .scheme_form import FIELDS, GROUPS_, MODE, MODE_TEXTS, Field, Total, overrides_of, parse, text_of, total_text

# Which groups go in which column of the form (indices into GROUPS_), to fit 1330×560.
COLUMNS = ((0, 1), (2,), (3,), (4, 5, 8), (6, 7))
CHANGED_STYLE = "background:#fff4ce"
UNSAVED_KEY = ("scheme", 1)
OK_COLOUR, BAD_COLOUR = "#1e6b2e", "#b00020"


class SchemeTab(TabPage):
    TITLE = "方案设置"
    STAGE = None
    WATCHES = Changed.SCHEME | Changed.STAGES | Changed.SCORES | Changed.SPEECH | Changed.BALLOTS

    def __init__(self, bench, parent: QWidget | None = None):
        super().__init__(bench, parent)
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        self.totals: list[tuple[Total, QLabel]] = []
        self.notes: dict[str, QLabel] = {}
        self._stored: dict[str, Any] = default_scheme()
        self._version = 0                 # the stored scheme's version the form was drawn from
        self._frozen: list[str] = []      # stages locked or published: the scheme cannot change
        self._scores_exist = False
        self.reason_dialog: ReasonDialog | None = None
        defaults = default_scheme()

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        for col, indices in enumerate(COLUMNS):
            column = QVBoxLayout()
            for i in indices:
                column.addWidget(self._group(GROUPS_[i], defaults))
            column.addStretch(1)
            grid.addLayout(column, 0, col)

        self.apply_button = QPushButton("应用（Ctrl+S）")
        self.apply_button.clicked.connect(self.apply)
        self.revert_button = QPushButton("放弃修改")
        self.revert_button.setToolTip("表中恢复为已保存的方案")
        self.revert_button.clicked.connect(self.revert)
        self.defaults_button = QPushButton("恢复细则默认")
        self.defaults_button.setToolTip("表中填入细则规定的默认值；按 应用 才保存")
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        bar = QHBoxLayout()
        for button in (self.apply_button, self.revert_button, self.defaults_button):
            bar.addWidget(button)
        bar.addSpacing(12)
        bar.addWidget(self.state_label, 1)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color:{BAD_COLOUR}")
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(grid)
        layout.addLayout(bar)
        layout.addWidget(self.problems)
        layout.addStretch(1)

        shortcut = QShortcut(QKeySequence("Ctrl+S"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.apply)
        self._fill(self._stored)

    # -- building ----------------------------------------------------------------------------------

    def _group(self, group, defaults: dict[str, Any]) -> QGroupBox:
        box = QGroupBox(group.title)
        form = QFormLayout(box)
        form.setContentsMargins(6, 4, 6, 4)
        form.setVerticalSpacing(3)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for row in group.rows:
            if isinstance(row, Field):
                widget = self._field(row, defaults)
                form.addRow(row.label, widget)
            elif isinstance(row, Total):
                label = QLabel()
                self.totals.append((row, label))
                form.addRow("", label)
            else:
                label = QLabel()
                label.setStyleSheet("color:#555")
                self.notes[row] = label
                form.addRow("", label)
        return box

    def _field(self, field: Field, defaults: dict[str, Any]) -> QWidget:
        tip = (field.tip + "；" if field.tip else "") + f"细则默认：{self._display(field, defaults)}"
        if field.kind == MODE:
            box = QComboBox()
            for mode, text in MODE_TEXTS.items():
                box.addItem(text, mode)
            box.currentIndexChanged.connect(lambda _: self._on_edit())
            widget: QLineEdit | QComboBox = box
        else:
            widget = QLineEdit()
            widget.setFixedWidth(110 if field.kind == "rounds" else 62)
            widget.setAlignment(Qt.AlignmentFlag.AlignRight)
            widget.textChanged.connect(lambda _: self._on_edit())
        widget.setToolTip(tip)
        self.fields[field.path] = widget
        return widget

    @staticmethod
    def _display(field: Field, data: dict[str, Any]) -> str:
        return MODE_TEXTS[data[field.path]] if field.kind == MODE else text_of(field, data)

    # -- the form ----------------------------------------------------------------------------------

    def field_text(self, path: str) -> str:
        widget = self.fields[path]
        return widget.currentData() if isinstance(widget, QComboBox) else widget.text()

    def _fill(self, data: dict[str, Any]) -> None:
        for field in FIELDS:
            widget = self.fields[field.path]
            widget.blockSignals(True)
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(widget.findData(data[field.path]))
            else:
                widget.setText(text_of(field, data))
            widget.blockSignals(False)
        self.problems.clear()
        self._on_edit()

    def unsaved_work(self) -> str | None:
        return "方案设置：有未应用的修改" if self.is_modified() else None

    def is_modified(self) -> bool:
        return any(self.field_text(f.path) != self._baseline(f) for f in FIELDS)

    def _baseline(self, field: Field) -> str:
        return self._stored[field.path] if field.kind == MODE else text_of(field, self._stored)

    def _on_edit(self) -> None:
        for field in FIELDS:
            self.fields[field.path].setStyleSheet(
                CHANGED_STYLE if self.field_text(field.path) != self._baseline(field) else "")
        for total, label in self.totals:
            values = [parse(next(f for f in FIELDS if f.path == p), self.field_text(p))[0] for p in total.paths]
            text, ok = total_text(values, total.target)
            label.setText(text)
            label.setStyleSheet("" if ok is None else f"color:{OK_COLOUR if ok else BAD_COLOUR}")
        trim, _ = parse(next(f for f in FIELDS if f.path == "speech_trim"), self.field_text("speech_trim"))
        self.notes["min_judges"].setText(f"至少须 {2 * trim + 1} 名评委评分" if trim is not None else "")
        self._show_state()

    def read_form(self) -> tuple[dict[str, Any], list[str]]:
        """The overrides the form holds, and every problem of a field that cannot be read."""
        values, problems = {}, []
        for group in GROUPS_:
            for field in (r for r in group.rows if isinstance(r, Field)):
                value, problem = parse(field, self.field_text(field.path))
                if problem:
                    problems.append(f"{group.title}·{field.label}：{problem}")
                else:
                    values[field.path] = value
        return overrides_of(values), problems

    # -- reading the store -------------------------------------------------------------------------

    def initiators(self) -> tuple[object, ...]:
        return (self,)                    # an applied change: the form is refilled from the answer

    def refresh(self) -> None:
        modified = self.is_modified()
        state = scheme_state(self.bench.store)
        self._stored, self._version = state.data, state.version
        self._frozen, self._scores_exist = state.frozen, state.scores_exist
        if modified:      # keep what the clerk typed; only the tint follows the new stored scheme
            self._on_edit()
        else:
            self._fill(self._stored)

    def _show_state(self) -> None:
        parts = []
        if self._frozen:
            parts.append(f"{'、'.join(self._frozen)}：方案不能修改，须先由监督组解锁")
        elif self._scores_exist:
            parts.append("已有分数：应用时须填写理由，记入审计日志")
        if self.is_modified():
            parts.append("有未应用的修改（黄色）")
        self.state_label.setText("；".join(parts) or "方案与已保存的一致")
        self.state_label.setStyleSheet(f"color:{BAD_COLOUR}" if self._frozen else "")

    # -- saving --------------------------------------------------------------------------------------

    def restore_defaults(self) -> None:
        self._fill(default_scheme())
        self.bench.info("已在表中填入细则默认值，按 应用（Ctrl+S）保存")

    def revert(self) -> None:
        """放弃修改: the stored scheme back in the form; a change that was not saved is given up."""
        self._fill(self._stored)
        self.bench.mark_saved(UNSAVED_KEY)

    def apply(self) -> None:
        overrides, problems = self.read_form()
        # The readable fields are checked together too (sums, ranges): every problem at once.
        more, changes = check_change(overrides, self._stored)
        problems += more
        if problems:
            self.problems.setText("方案未保存，请改正：\n" + "\n".join(f"• {p}" for p in problems))
            self.bench.message.emit(f"方案未保存：{len(problems)} 处问题，见“方案设置”页", True)
            return
        self.problems.clear()
        if not changes:
            self.bench.info("方案没有改动")
            return
        if self._scores_exist:
            dialog = ReasonDialog("修改方案", "已有分数，修改方案须填写理由（记入审计日志）。\n将修改："
                                  + "；".join(changes), self)
            dialog.save = lambda: self._save(overrides, dialog.reason.text().strip(), changes)
            self.reason_dialog = dialog
            dialog.open()
        else:
            self._save(overrides, None, changes)

    def _save(self, overrides: dict[str, Any], reason: str | None, changes: list[str]) -> str | None:
        """Apply the form (the version it was drawn from); None when saved, else why (the form keeps
        every field, the reason dialog stays open, and the change counts 未保存)."""
        answer: list[Any] = []
        what = f"方案设置的修改（{'；'.join(changes[:3])}{' 等' if len(changes) > 3 else ''}）"

        def call():
            answer.append(self.bench.edit(set_scheme, overrides, reason, initiator=self, what=what + " ",
                                          expected_version=self._version))
            return answer[-1]
        refused = save_from_form(self.bench, call, key=UNSAVED_KEY, what=what)
        if refused:
            self.problems.setText(refused)
            self._show_state()
            return refused
        result = answer[-1]
        if isinstance(result, Wrote) and result is not FAILED:
            self._stored, self._version = result.result, result.version or self._version
            self._fill(self._stored)
        return None
