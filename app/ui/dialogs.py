"""Small dialogs: the operator's name at start, a new campaign, a reason, the 监督组's password for a
sealed step (锁定, 公布) and the 监督组 unlock."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget)


class _Form(QDialog):
    """A small form: 确定 checks it (``problem``), then saves it (``save``, when set) — a refusal or a
    failed save is shown in the form, which stays open with everything typed."""

    def __init__(self, title: str, intro: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.save: Callable[[], str | None] | None = None   # the save; its refusal text keeps the form open
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            self.layout_.addWidget(label)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error = QLabel()
        self.error.setStyleSheet("color:#b00020")
        self.error.setWordWrap(True)
        self.layout_.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)

    def field(self, label: str, *, password: bool = False, text: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        if password:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(label, edit)
        return edit

    def problem(self) -> str | None:  # pragma: no cover - overridden
        return None

    def _try_accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return
        refused = self.save() if self.save is not None else None
        if refused:
            self.error.setText(refused)
            return
        self.accept()


class OperatorDialog(_Form):
    """录入人: written into every audit row."""

    def __init__(self, name: str = "", parent: QWidget | None = None):
        super().__init__("录入人", "请输入您的姓名。您录入的每一项都会记下录入人和时间。", parent)
        self.name = self.field("录入人姓名", text=name)

    def problem(self) -> str | None:
        return None if self.name.text().strip() else "请填写录入人姓名"


class NewCampaignDialog(_Form):
    def __init__(self, parent: QWidget | None = None):
        super().__init__("新建竞岗", "监督组密码用于解锁已锁定的阶段，只保存其校验值，请监督组妥善保管。", parent)
        self.title = self.field("竞岗名称", text="竞争轮岗")
        self.unit = self.field("单位名称")
        self.password = self.field("监督组密码", password=True)
        self.again = self.field("再次输入密码", password=True)

    def problem(self) -> str | None:
        if not self.title.text().strip():
            return "请填写竞岗名称"
        if len(self.password.text()) < 4:
            return "监督组密码至少 4 位"
        if self.password.text() != self.again.text():
            return "两次输入的密码不一致"
        return None


class ReasonDialog(_Form):
    def __init__(self, title: str, prompt: str, parent: QWidget | None = None):
        super().__init__(title, prompt, parent)
        self.reason = self.field("理由")

    def problem(self) -> str | None:
        return None if self.reason.text().strip() else "请填写理由"


class SupervisorDialog(_Form):
    """锁定 / 公布: what it means, and the 监督组's password, which seals it (SPEC §9)."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None):
        super().__init__(title, text + "\n\n须由监督组输入密码（封签记入审计日志，大屏显示摘要码）。", parent)
        self.password = self.field("监督组密码", password=True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)

    def problem(self) -> str | None:
        return None if self.password.text() else "请输入监督组密码"


def ask_supervisor_password(parent: QWidget | None, title: str, text: str) -> str | None:
    """The 监督组's password for a sealed step, or None when cancelled (tests replace this function)."""
    dialog = SupervisorDialog(title, text, parent)
    return dialog.password.text() if dialog.exec() else None


class UnlockDialog(_Form):
    def __init__(self, stage_label: str, parent: QWidget | None = None):
        super().__init__("解锁", f"解锁“{stage_label}”须由监督组输入密码并说明理由，解锁将记入审计日志。", parent)
        self.password = self.field("监督组密码", password=True)
        self.reason = self.field("理由")

    def problem(self) -> str | None:
        if not self.password.text():
            return "请输入监督组密码"
        return None if self.reason.text().strip() else "请填写理由"


def save_from_form(bench, call: Callable[[], object], *, key: object, what: str) -> str | None:
    """Run one workbench write for a form (``call`` → ``bench.run``/``bench.edit``): None when it was saved;
    else the red text the workbench showed, for the form to show while it stays open with everything typed.
    Until a retry succeeds (or the form is given up: :meth:`Workbench.mark_saved`) the entry is counted
    未保存 in the status bar."""
    from ..services.store import StorageError
    from .workbench import FAILED
    errors: list[str] = []

    def slot(text: str, is_error: bool) -> None:
        if is_error:
            errors.append(text)
    bench.message.connect(slot)
    try:
        result = call()
    finally:
        bench.message.disconnect(slot)
    if result is FAILED:
        bench.mark_unsaved(key, what)
        text = errors[-1] if errors else str(bench.last_error or "")
        return text if isinstance(bench.last_error, StorageError) else f"未保存：{text}"
    bench.mark_saved(key)
    return None
