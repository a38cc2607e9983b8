"""文件 → 备份 proposes a name with the date and time, so a second backup with the proposed name works."""

import re
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from app.ui.main_window import backup_name
from tests.ui.test_stage_advance import window  # noqa: F401  (the main window fixture)


def test_backup_name_has_the_date_and_time_and_never_an_existing_file(tmp_path):
    db = tmp_path / "竞岗.db"
    at = datetime(2026, 11, 24, 9, 30)
    assert backup_name(str(db), at) == str(tmp_path / "竞岗-备份-20261124-0930.db")
    (tmp_path / "竞岗-备份-20261124-0930.db").write_bytes(b"")
    assert backup_name(str(db), at) == str(tmp_path / "竞岗-备份-20261124-0930-2.db")


def test_two_backups_with_the_proposed_name(qtbot, window, small_store, monkeypatch):
    proposed = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda parent, title, default, *a: proposed.append(default) or (default, "")))
    window.backup()
    window.backup()
    assert len(proposed) == 2 and proposed[0] != proposed[1]
    for name in proposed:
        assert re.fullmatch(r"c-备份-\d{8}-\d{4}(-2)?\.db", Path(name).name), name
        assert Path(name).exists()
    assert not window.message_line.is_error
    assert window.message_line.text() == f"✓ 已备份到 {proposed[1]}"
    window.grab().save("/tmp/shots/backup.png")
