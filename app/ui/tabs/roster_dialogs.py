"""The person and post dialogs of 人员名单: every field checked (by :mod:`app.services.roster_form`)
before anything is saved, nothing stored on 取消.

The dialog calls its ``save`` hook (the tab's service call) before closing; a refusal (a locked
stage, a conflict) or a failed save (磁盘已满 …) is shown in the dialog, which stays open with
everything typed and says 未保存 until a retry succeeds.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from ...core.roster import CATEGORIES, IDENTITIES
from ...core.scheme import RANKS
from ...services.roster import PostRow, RosterPerson
from ...services.roster_form import person_from_form, post_from_form
from ..dialogs import _Form

GENDERS = ("男", "女")
DATE_HINT = "1985-03-01 或 1985.03"


class _GridForm(_Form):
    """A two-column form (label, field, label, field) so 17 fields fit a 768-pixel-high screen."""

    def __init__(self, title: str, intro: str | None, parent: QWidget | None = None):
        super().__init__(title, intro, parent)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        self.layout_.insertLayout(self.layout_.count() - 2, self.grid)   # before the error line and buttons
        self._cell = 0
        self.save_value: Callable[..., str | None] | None = None     # the save of value(); its refusal text
        self.save = lambda: self.save_value(self.value()) if self.save_value else None

    def add(self, label: str, widget: QWidget, *, wide: bool = False) -> QWidget:
        if wide and self._cell % 2:
            self._cell += 1
        row, col = divmod(self._cell, 2)
        self.grid.addWidget(QLabel(label), row, col * 2)
        widget.setMinimumWidth(170)
        self.grid.addWidget(widget, row, col * 2 + 1, 1, 3 if wide else 1)
        self._cell += 2 if wide else 1
        return widget

    def value(self):  # pragma: no cover - overridden
        raise NotImplementedError


def _combo(items: tuple[str, ...], current: str | None, blank: bool = False) -> QComboBox:
    box = QComboBox()
    box.addItems(([""] if blank else []) + list(items))
    if current:
        i = box.findText(current)
        if i < 0:
            box.addItem(current)
            i = box.count() - 1
        box.setCurrentIndex(i)
    return box


class PersonDialog(_GridForm):
    """新增 / 编辑 one roster record. 考试 and 民主测评 are entered on the 考试与测评 tab, not here."""

    def __init__(self, decimals: int, existing: dict[str, str], person: RosterPerson | None = None,
                 parent: QWidget | None = None):
        super().__init__("编辑人员" if person else "新增人员", None, parent)
        self.decimals, self.existing, self.original = decimals, existing, person
        p = person or RosterPerson(id="", name="")
        self.id = self.add("编号", QLineEdit(p.id))
        self.id.setReadOnly(person is not None)
        if person is not None:
            self.id.setToolTip("编号不能修改；如编号有误，请删除后重新新增")
        self.name = self.add("姓名", QLineEdit(p.name))
        self.gender = self.add("性别", _combo(GENDERS, p.gender, blank=True))
        self.birth = self.add("出生时间", self._date(p.birth))
        self.work_start = self.add("参加工作时间", self._date(p.work_start))
        self.post_start = self.add("任职时间", self._date(p.post_start))
        self.post_start.setToolTip("任现职时间：§二(二) 资格与轮岗审查由此起算")
        self.political = self.add("政治面貌", QLineEdit(p.political or ""))
        self.education = self.add("学历", QLineEdit(p.education or ""))
        self.rank = self.add("职级", _combo(RANKS, p.rank))
        self.category = self.add("类别", _combo(CATEGORIES, p.category))
        self.identity = self.add("身份", _combo(IDENTITIES, p.identity, blank=True))
        self.unit = self.add("编制单位", QLineEdit(p.unit or ""))
        self.former_office = self.add("原科室", QLineEdit(p.former_office or ""))
        self.no_rotation = self.add("不轮岗", QCheckBox("特殊岗位不轮岗"))
        self.no_rotation.setChecked(p.no_rotation)
        self.appraisal = [self.add(f"考核{i}", QLineEdit(str(p.appraisal[i - 1]) if len(p.appraisal) >= i else ""))
                          for i in (1, 2, 3)]
        for edit in self.appraisal:
            edit.setPlaceholderText("0–100，可空")
        if person is not None and (person.exam is not None or person.democratic):
            note = QLabel("考试、民主测评分数在“考试与测评”页录入，此处不改动。")
            note.setStyleSheet("color:#555")
            self.layout_.insertWidget(self.layout_.count() - 2, note)
        (self.name if person else self.id).setFocus()

    @staticmethod
    def _date(value: str | None) -> QLineEdit:
        edit = QLineEdit(value or "")
        edit.setPlaceholderText(DATE_HINT)
        return edit

    def _read(self) -> tuple[RosterPerson | None, list[str]]:
        fields = {"id": self.id.text(), "name": self.name.text(), "rank": self.rank.currentText(),
                  "category": self.category.currentText(), "gender": self.gender.currentText(),
                  "identity": self.identity.currentText(), "birth": self.birth.text(),
                  "work_start": self.work_start.text(), "post_start": self.post_start.text(),
                  "political": self.political.text(), "education": self.education.text(),
                  "unit": self.unit.text(), "former_office": self.former_office.text(),
                  **{f"appraisal_{i}": edit.text() for i, edit in enumerate(self.appraisal, start=1)}}
        return person_from_form(fields, no_rotation=self.no_rotation.isChecked(), decimals=self.decimals,
                                taken=self.existing if self.original is None else None)

    def problem(self) -> str | None:
        _, problems = self._read()
        return "\n".join(problems) or None

    def value(self) -> RosterPerson:
        person, _ = self._read()
        assert person is not None
        return person


class PostDialog(_GridForm):
    """新增 / 编辑 one post: 编号, 岗位名称, 科室, 科长职数, 核定人数."""

    def __init__(self, existing: dict[str, str], post: PostRow | None = None, parent: QWidget | None = None):
        super().__init__("编辑岗位" if post else "新增岗位", None, parent)
        self.existing, self.original = existing, post
        self.id = self.add("编号", QLineEdit(post.id if post else ""))
        self.id.setReadOnly(post is not None)
        self.name = self.add("岗位名称", QLineEdit(post.name if post else ""))
        self.office = self.add("科室", QLineEdit((post.office or "") if post else ""))
        self.seats = self.add("职数", QLineEdit(str(post.seats) if post else "1"))
        self.seats.setToolTip("该岗位的科长职数（§十三）")
        self.headcount = self.add("核定人数", QLineEdit(str(post.headcount) if post and post.headcount is not None
                                                        else ""))
        self.headcount.setPlaceholderText("可空")
        (self.name if post else self.id).setFocus()

    def _read(self) -> tuple[dict, list[str]]:
        fields = {"id": self.id.text(), "name": self.name.text(), "office": self.office.text(),
                  "seats": self.seats.text(), "headcount": self.headcount.text()}
        return post_from_form(fields, taken=self.existing if self.original is None else None)

    def problem(self) -> str | None:
        return "\n".join(self._read()[1]) or None

    def value(self) -> dict:
        return self._read()[0]
