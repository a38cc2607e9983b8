"""The count's steps in the 定岗推荐计票 tab (SPEC §10/§11): a bar with the count's state and margin, and
the dialogs of the 监督组's sealed steps — 开始计票 (the 开票前确认单), 结束计票, 认可差额, 重新打开计票 —
and of the checks (抽查, 全组复核, in :mod:`.count_checks_dialog`).

Each dialog runs its service through the workbench; a refusal (wrong password, data changed since the
sheet was printed …) is shown in the dialog, which stays open with what was typed.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QVBoxLayout, QWidget)

from ...core.scheme import GROUP_SHORT_LABELS, GROUPS
from ...services import count
from ...services.recommendation_grid import RecommendationGrid
from ..workbench import FAILED, Workbench
from .ballot_panel import restyle, set_text


class SealDialog(QDialog):
    """One sealed step of the 监督组: what it means, what is sealed, the password (and a reason)."""

    def __init__(self, bench: Workbench, title: str, text: str, *, action: Callable[..., Any], button: str,
                 reason: str | None = None, details: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.bench, self.action = bench, action
        self.result_: Any = None
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        intro = QLabel(text + "\n\n须由监督组输入密码（封签记入审计日志，并显示摘要码）。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if details:
            box = QPlainTextEdit(details)
            box.setReadOnly(True)
            box.setMinimumHeight(120)
            layout.addWidget(box)
        form = QFormLayout()
        self.reason = QLineEdit()
        if reason is not None:
            self.reason.setPlaceholderText(reason)
            form.addRow("理由：", self.reason)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("监督组密码：", self.password)
        layout.addLayout(form)
        self.needs_reason = reason is not None
        self.error = QLabel()
        self.error.setStyleSheet("color:#b00020;font-weight:bold")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setDefault(True)
        self.ok.clicked.connect(self.seal)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 0)

    def seal(self) -> bool:
        if self.needs_reason and not self.reason.text().strip():
            self.error.setText("请填写理由")
            return False
        if not self.password.text():
            self.error.setText("请输入监督组密码")
            return False
        args = (self.password.text(),) + ((self.reason.text().strip(),) if self.needs_reason else ())
        result = self.action(*args)
        if result is FAILED:
            self.error.setText(str(self.bench.last_error))
            self.password.selectAll()
            self.password.setFocus()
            return False
        self.result_ = result
        self.accept()
        return True


class OpeningDialog(SealDialog):
    """开票前确认单: the figures the sheet prints (到会, 印制, 发出 per group; the candidate–post list and
    its SHA-256; weights; threshold), a button to print it, and the 监督组's seal that opens the count."""

    def __init__(self, bench: Workbench, figures: count.OpeningFigures, parent: QWidget | None = None,
                 print_sheet: Callable[[], None] | None = None):
        lines = ["投票组　　到会　印制　发出"]
        for g in GROUPS:
            f = figures.groups[g]
            lines.append(f"{GROUP_SHORT_LABELS[g]:<6}" + "".join(f"{'—' if f[k] is None else f[k]:>6}"
                                                                 for k in ("present", "printed", "issued")))
        lines += ["", f"候选人–岗位名单（{len(figures.candidates)} 人，同选票）SHA-256：", figures.list_digest, "",
                  "权重：" + "、".join(f"{GROUP_SHORT_LABELS[g]} {w}" for g, w in figures.weights.items()),
                  f"推荐率界线：{figures.threshold}", "", f"确认单摘要：{figures.digest[:16].upper()}"]
        super().__init__(bench, "开票前确认单 · 开始计票",
                         "请先打印“开票前确认单”，由监督组核对到会、印制、发出张数和候选人名单并签字；"
                         "再输入密码封签，开始逐张录入选票。封签后打印的数字如有变动，须重新打印确认单。",
                         action=lambda password: bench.run(count.open_count, password, digest=figures.digest,
                                                           what="开始计票 "),
                         button="封签并开始计票", details="\n".join(lines), parent=parent)
        self.figures = figures
        if print_sheet is not None:
            self.print_button = QPushButton("打印开票前确认单…")
            self.print_button.clicked.connect(print_sheet)
            self.layout().insertWidget(2, self.print_button)


class CountBar(QWidget):
    """计票：state · margin · the buttons of the count's steps."""

    def __init__(self, bench: Workbench, tab: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.bench, self.tab = bench, tab
        self.grid: RecommendationGrid | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        row = QHBoxLayout()
        self.state = QLabel()
        self.state.setStyleSheet("font-weight:bold")
        row.addWidget(self.state)
        row.addStretch(1)
        self.open_button = QPushButton("开票前确认单…")
        self.open_button.setToolTip("打印开票前确认单，由监督组封签后开始计票（第一张票之前）")
        self.close_button = QPushButton("结束计票…")
        self.close_button.setToolTip("全部选票录完后，由监督组封签选票记录，大屏显示摘要码")
        self.accept_button = QPushButton("认可差额…")
        self.accept_button.setToolTip("选票与收回张数不一致而确有原因时，由监督组说明理由并封签认可")
        self.reopen_button = QPushButton("重新打开…")
        self.reopen_button.setToolTip("计票结束后需要更正时，由监督组说明理由并输入密码重新打开计票")
        self.checks_button = QPushButton("抽查与复核…")
        self.checks_button.setToolTip("计票结束后按监督组公布的种子抽查；或对一个投票组全组盲录复核")
        for b, slot in ((self.open_button, self.open_count), (self.close_button, self.close_count),
                        (self.accept_button, self.accept_difference), (self.reopen_button, self.reopen_count),
                        (self.checks_button, self.open_checks)):
            b.clicked.connect(slot)
            row.addWidget(b)
        layout.addLayout(row)

    def set_grid(self, grid: RecommendationGrid) -> None:
        self.grid = grid
        acc = grid.accounting
        if acc is None:
            return
        state = acc.state
        # before a numbered count opens, 收回 not typed yet is no news: the findings show once it runs
        findings = 0 if acc.numbered and state == count.NOT_OPENED else len(acc.findings)
        if not acc.numbered and state == count.NOT_OPENED:
            text = "计票：选票未编号（逐张唱票，不录票号）"
        else:
            text = f"计票：{grid.count_state_text}"
        if findings:
            text += f"　⚠ {findings} 项待核对" + ("（监督组已认可）" if acc.difference_accepted else "")
        elif state or (not acc.numbered and any(a.entered for a in acc.groups.values())):
            text += "　✓ 已核对一致"
        set_text(self.state, text)
        restyle(self.state, "font-weight:bold;color:" + ("#9a5b00" if findings and not acc.difference_accepted
                                                         else "#1e4620"))
        self.open_button.setEnabled(state == count.NOT_OPENED and acc.numbered)
        self.close_button.setEnabled(state == count.OPEN)
        self.accept_button.setEnabled(bool(findings) and state != count.OPEN)
        self.reopen_button.setEnabled(state == count.CLOSED)
        self.checks_button.setEnabled(state != count.NOT_OPENED)

    # -- the steps -----------------------------------------------------------------------------------

    def opening_dialog(self) -> OpeningDialog | None:
        figures = self.bench.run(count.opening_figures)
        if figures is FAILED:
            return None
        return OpeningDialog(self.bench, figures, self, print_sheet=lambda: self.tab.print_sheet("开票前确认单"))

    def open_count(self) -> None:
        dialog = self.opening_dialog()
        if dialog is not None and dialog.exec():
            self.bench.info(f"已开始计票：开票前确认单已由监督组封签　{dialog.result_.value}")
            self.tab.focus_entry()

    def close_dialog(self) -> SealDialog:
        acc = self.grid.accounting if self.grid else None
        lines = [f"{GROUP_SHORT_LABELS[g]}：印制 {_n(a.printed)} 发出 {_n(a.issued)} 收回 {_n(a.returned)} "
                 f"已录入 {a.entered} 作废 {a.void}" + ("（按计数录入）" if a.counts_only else "")
                 for g, a in (acc.groups.items() if acc else ())]
        if acc and acc.findings:
            lines += ["", "待核对："] + list(acc.findings)
        return SealDialog(self.bench, "结束计票", "结束计票后选票记录封签，不能再录入或改动；如需更正，须由监督组重新打开。",
                          action=lambda password: self.bench.run(count.close_count, password, what="结束计票 "),
                          button="封签并结束计票", details="\n".join(lines), parent=self)

    def close_count(self) -> None:
        dialog = self.close_dialog()
        if dialog.exec():
            self.bench.info(f"已结束计票：选票记录已由监督组封签　{dialog.result_.value}（大屏显示）")

    def accept_dialog(self) -> SealDialog:
        findings = tuple(self.grid.accounting.findings) if self.grid and self.grid.accounting else ()
        return SealDialog(self.bench, "认可差额", "监督组核对后认可以下差额，说明理由并封签；差额如再变动，须重新认可。",
                          action=lambda password, reason: self.bench.run(count.accept_difference, password, reason,
                                                                         findings=findings, what="认可差额 "),
                          button="封签认可差额", reason="如：一名投票人未交回选票，已离场", details="\n".join(findings),
                          parent=self)

    def accept_difference(self) -> None:
        dialog = self.accept_dialog()
        if dialog.exec():
            self.bench.info(f"监督组已认可差额　{dialog.result_.value}")

    def reopen_dialog(self) -> SealDialog:
        return SealDialog(self.bench, "重新打开计票", "重新打开后可补录或更正选票（抽查发现差异的组须先全组复核）；"
                          "改完后须再次由监督组结束计票。",
                          action=lambda password, reason: self.bench.run(count.reopen_count, password, reason,
                                                                         what="重新打开计票 "),
                          button="重新打开计票", reason="如：抽查发现票号 483920 录入有误", parent=self)

    def reopen_count(self) -> None:
        dialog = self.reopen_dialog()
        if dialog.exec():
            self.bench.info(f"计票已重新打开　{dialog.result_.value}")

    def open_checks(self) -> None:
        from .count_checks_dialog import ChecksDialog
        ChecksDialog(self.bench, self.tab, self).exec()
        self.tab.focus_entry()          # back on the 票号 box (复录) or where the count is entered


def _n(value: int | None) -> str:
    return "—" if value is None else str(value)
