"""The person and post dialogs of 人员名单: every field checked (by :mod:`app.services.roster_form`)
before anything is saved, nothing stored on 取消.

The dialog calls its ``save`` hook (the tab's service call) before closing; a refusal (a locked
stage, a conflict) or a failed save (磁盘已满 …) is shown in the dialog, which stays open with
everything typed and says 未保存 until a retry succeeds.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QLineEdit, QSpinBox, QWidget

from ...core.roster import CATEGORIES, DUTIES, EXEMPTION_LABELS, IDENTITIES, LEADER_RANKS, POST_KINDS, SPECIALITIES
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

    def heading(self, text: str) -> None:
        """A line across the form that starts a group of fields."""
        self._cell += self._cell % 2
        label = QLabel(text)
        label.setStyleSheet("color:#555;margin-top:4px")
        self.grid.addWidget(label, self._cell // 2, 0, 1, 4)
        self._cell += 2

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
        self._rotation_fields(p)
        if person is not None and (person.exam is not None or person.democratic):
            note = QLabel("考试、民主测评分数在“考试与测评”页录入，此处不改动。")
            note.setStyleSheet("color:#555")
            self.layout_.insertWidget(self.layout_.count() - 2, note)
        (self.name if person else self.id).setFocus()

    def _rotation_fields(self, p: RosterPerson) -> None:
        """交流轮岗 (暂行办法 第七条–第十条) and the statistics' 专业类别 and 岗位性质: all may stay empty."""
        self.heading("交流轮岗审查与统计（暂行办法第七条至第十条，可空）")
        self.speciality = self.add("专业类别", _combo(SPECIALITIES, p.speciality, blank=True))
        self.post_kind = self.add("岗位性质", _combo(POST_KINDS, p.post_kind, blank=True))
        self.bureau_leader = self.add("局管领导", QCheckBox("局管领导干部"))
        self.bureau_leader.setChecked(p.bureau_leader)
        self.leader_rank = self.add("领导职务", _combo(LEADER_RANKS, p.leader_rank, blank=True))
        self.unit_start = self.add("本单位工作时间", self._date(p.unit_start))
        self.unit_start.setToolTip("在本单位（处室）连续工作起始（第七条（二）至（四））")
        self.units_served = self.add("任职单位数", QSpinBox())
        self.units_served.setRange(0, 99)
        self.units_served.setSpecialValueText("未填")
        self.units_served.setValue(p.units_served or 0)
        self.units_served.setToolTip("任职过的单位（处室）个数，含本单位（第七条（三））")
        self.reserve_cadre = self.add("后备干部", QCheckBox("局管后备干部"))
        self.reserve_cadre.setChecked(p.reserve_cadre)
        self.duties = self.add("负责工作", QLineEdit(p.duties or ""), wide=True)
        self.duties.setPlaceholderText("、".join(DUTIES))
        self.duties.setToolTip("负责的工作或所在专职岗位，几项用“、”隔开（第七条（一）、第九条（二））")
        self.exemption = self.add("暂缓情形", QLineEdit(p.exemption or ""), wide=True)
        self.exemption.setPlaceholderText("、".join(EXEMPTION_LABELS))
        self.exemption.setToolTip("可不交流、暂缓交流或可不轮岗的情形，几项用“、”隔开（第八条、第十条）")

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
                  **{f"appraisal_{i}": edit.text() for i, edit in enumerate(self.appraisal, start=1)},
                  "speciality": self.speciality.currentText(), "post_kind": self.post_kind.currentText(),
                  "leader_rank": self.leader_rank.currentText(), "unit_start": self.unit_start.text(),
                  "units_served": str(self.units_served.value() or ""), "duties": self.duties.text(),
                  "exemption": self.exemption.text()}
        return person_from_form(fields, no_rotation=self.no_rotation.isChecked(), decimals=self.decimals,
                                taken=self.existing if self.original is None else None,
                                bureau_leader=self.bureau_leader.isChecked(),
                                reserve_cadre=self.reserve_cadre.isChecked())

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
