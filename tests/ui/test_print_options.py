"""The print dialog's options of the 双向选择确认表 (阶段, 轮次) and of the 拟任人选公示 (监督电话,
监督信箱: pre-filled from the file, saved through the service and audited when changed)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.models.schema import AuditLog
from app.services.report_data import publicity_contacts, set_publicity_contacts
from tests.reports import missing
from tests.ui.test_print_preview import dialog, publish  # noqa: F401  (the dialog fixture)


def visible(dialog, *fields):
    return [dialog.form.isRowVisible(f) for f in fields]


def test_the_selection_form_offers_its_phase_and_round(small_store, dialog):
    assert visible(dialog, dialog.phase, dialog.selection_round) == [False, False]
    dialog.choose("双向选择确认表")
    assert visible(dialog, dialog.phase, dialog.selection_round, dialog.copies) == [True, True, False]
    assert [dialog.phase.itemText(i) for i in range(dialog.phase.count())] == ["科员定岗", "事业人员补充"]
    assert dialog.options() == {"phase": "科员定岗", "round_no": 1}
    dialog.phase.setCurrentIndex(1)
    dialog.selection_round.setValue(2)
    assert dialog.options() == {"phase": "事业人员补充", "round_no": 2}
    assert dialog.preview(), dialog.status.text()
    assert missing(dialog.pdf, ["事业人员补充第2轮"]) == []
    QApplication.processEvents()
    dialog.grab().save("/tmp/shots/print_selection.png")
    dialog.choose("综合考评结果")
    assert visible(dialog, dialog.phase, dialog.selection_round) == [False, False]


def contact_log(store):
    with store.read() as s:
        return [r.entity for r in s.execute(select(AuditLog).where(AuditLog.entity.like("meta:supervision%"))).scalars()]


def test_the_appointment_sheet_contacts_are_prefilled_and_saved_audited(small_store, dialog):
    set_publicity_contacts(small_store, "0351-1234567", "局机关一楼意见箱")   # 人员名单 still draft
    dialog.choose("定岗推荐票")                          # a blank form is no 公示
    assert visible(dialog, dialog.phone, dialog.mailbox) == [False, False]
    dialog.choose("拟任人选公示")
    assert visible(dialog, dialog.phone, dialog.mailbox) == [True, True]
    assert (dialog.phone.text(), dialog.mailbox.text()) == ("0351-1234567", "局机关一楼意见箱")
    assert not dialog.phone.isReadOnly()
    dialog.draft.setChecked(True)                                    # nothing published yet: a draft
    logged = len(contact_log(small_store))
    assert dialog.preview(), dialog.status.text()
    assert len(contact_log(small_store)) == logged                   # unchanged: nothing written

    dialog.phone.clear()
    dialog.phone.insert("0351-7654321")
    dialog.mailbox.clear()
    dialog.mailbox.insert("jiandu@example.cn")
    assert dialog.preview(), dialog.status.text()
    assert publicity_contacts(small_store) == ("0351-7654321", "jiandu@example.cn")
    assert len(contact_log(small_store)) > logged and small_store.verify().ok

    publish(small_store, "assignment")      # SPEC §9: frozen with the 公示 they appear on (all draw on 人员名单)
    dialog.choose("综合考评结果")
    dialog.choose("拟任人选公示")
    dialog.draft.setChecked(False)
    assert dialog.phone.isReadOnly() and dialog.mailbox.isReadOnly()
    assert dialog.preview(), dialog.status.text()
    assert missing(dialog.pdf, ["0351-7654321", "jiandu@example.cn"]) == []
    QApplication.processEvents()
    dialog.grab().save("/tmp/shots/print_appointment.png")


def test_a_rotation_document_takes_its_date_and_saves_as_excel_too(small_store, dialog, tmp_path):
    from datetime import date

    from openpyxl import load_workbook
    from PySide6.QtCore import QDate
    dialog.choose("交流轮岗对象名单")
    assert visible(dialog, dialog.as_of, dialog.start_date, dialog.version, dialog.phone, dialog.draft) == \
        [True, False, False, False, False]
    assert dialog.sheet.currentText() == "交流轮岗对象名单（交流轮岗）"
    dialog.as_of.setDate(QDate(2026, 12, 1))
    assert dialog.options() == {"as_of": date(2026, 12, 1)}
    assert dialog.preview(), dialog.status.text()
    assert missing(dialog.pdf, ["截至2026年12月1日", "张明"]) == []
    assert not dialog.xlsx_button.isHidden() and dialog.xlsx_button.isEnabled()
    dialog.ask_xlsx_path = lambda default: str(tmp_path / "名单")
    assert dialog.save_xlsx() == str(tmp_path / "名单.xlsx")
    assert "交流轮岗对象名单（截至2026年12月1日）" in load_workbook(tmp_path / "名单.xlsx").active["A1"].value
    QApplication.processEvents()
    dialog.grab().save("/tmp/shots/print_rotation.png")
    dialog.choose("综合考评结果")
    assert visible(dialog, dialog.as_of) == [False] and dialog.xlsx_button.isHidden()
