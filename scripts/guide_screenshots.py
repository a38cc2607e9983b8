"""Screenshots for the meeting-day guide docs/使用说明.md → docs/screenshots/guide/ (run: python scripts/guide_screenshots.py).

Offscreen, with the real widgets, on the campaigns of the projector pictures
(``scripts/projector_screenshots.py``: the demo mid-meeting, and the demo with every stage published):
the start dialog, the 文件 / 阶段 / 大屏 menus, the 抽签 tab after a draw with its 复核 line, a paper
ballot half keyed, double entry as the second clerk sees it, a refusal in red, the 监督组 unlock, the
print dialog (a refusal and a preview), the projector preview and the 校验审计日志 message. Every edit
goes through the widgets (typed keys, the menus' actions), as the clerk's keys would.

Pop-ups (menus, dialogs, message boxes) are separate windows offscreen; each is grabbed and painted
onto the main window's picture where it would appear. The main window is 1366×768 (with the 大屏预览
dock it cannot be narrower than 1385), the dialogs alone are smaller; every file is kept under 200 KB
(a 256-colour PNG when the full-colour one is larger).

    python scripts/guide_screenshots.py [--out docs/screenshots/guide]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QBuffer, QIODevice, QPoint, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPixmap  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget  # noqa: E402

from app.services.demo import DEMO_PASSWORD  # noqa: E402
from app.services.store import Store  # noqa: E402
from app.ui.app import configure_application  # noqa: E402

SIZE = (1366, 768)
MAX_BYTES = 200 * 1024
REPORT_SEED = "0302"           # the 监督组's seed for the 申报者述职 draw in the pictures
CAMPAIGN_FILE = "2026年竞争轮岗.db"


# --- pictures -------------------------------------------------------------------------------------

def settle(app: QApplication, rounds: int = 6) -> None:
    for _ in range(rounds):
        app.processEvents()


def save(pixmap: QPixmap, path: Path) -> Path:
    """PNG, full colour if small enough, else a 256-colour palette PNG (screens have few colours)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.toImage().save(buffer, "PNG")
    data = bytes(buffer.data())
    if len(data) > MAX_BYTES:
        from PIL import Image
        image = Image.open(io.BytesIO(data)).convert("RGB")
        out = io.BytesIO()
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            out, "PNG", optimize=True)
        data = out.getvalue()
    path.write_bytes(data)
    return path


def compose(window: QWidget, *popups: QWidget) -> QPixmap:
    """The window's picture with pop-up windows painted where they stand on the (virtual) screen."""
    picture = window.grab()
    painter = QPainter(picture)
    origin = window.mapToGlobal(QPoint(0, 0))
    for popup in popups:
        shot = popup.grab()
        at = popup.mapToGlobal(QPoint(0, 0)) - origin
        painter.setPen(QColor("#808080"))
        painter.drawPixmap(at, shot)
        painter.drawRect(at.x() - 1, at.y() - 1, shot.width() + 1, shot.height() + 1)
    painter.end()
    return picture


def centre_on(dialog: QWidget, window: QWidget, width: int | None = None) -> None:
    dialog.adjustSize()
    if width is not None:
        dialog.resize(width, dialog.height())
    centre = window.mapToGlobal(window.rect().center())
    dialog.move(centre.x() - dialog.width() // 2, centre.y() - dialog.height() // 2)


def open_menu(app: QApplication, window, title: str):
    """Open a menu of the menu bar as a click would; returns the menu (close it with .hide())."""
    bar = window.menuBar()
    action = next(a for a in bar.actions() if a.text().startswith(title))
    bar.setActiveAction(action)
    settle(app)
    return action.menu()


def close_menu(app: QApplication, window, menu) -> None:
    menu.hide()
    window.menuBar().setActiveAction(None)
    settle(app)


def main_window(app: QApplication, store: Store):
    from app.ui.main_window import MainWindow
    window = MainWindow(store)
    window.resize(*SIZE)
    window.move(0, 0)
    window.show()
    window.activateWindow()
    settle(app)
    return window


def press(app: QApplication, window, keys: str) -> None:
    """A key of the main window's menus (F5, Ctrl+Shift+L, Alt+4 …): the action it is bound to, triggered
    as the key would (offscreen, a window that has lost activation to another one gets no shortcuts)."""
    sequence = QKeySequence(keys)
    action = next(a for a in window.findChildren(QAction) if sequence in a.shortcuts())
    action.trigger()
    settle(app)


def go_tab(app: QApplication, window, number: int) -> None:
    """Alt+number, the clerk's key for the tab."""
    press(app, window, f"Alt+{number}")


def type_cell(app: QApplication, view, index, text: str) -> None:
    """Type ``text`` into a table cell and press Enter, as the clerk does."""
    view.setFocus()
    view.setCurrentIndex(index)
    view.edit(index)
    settle(app, 2)
    editor = view.indexWidget(index)
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    settle(app, 3)


# --- campaigns ------------------------------------------------------------------------------------
# The projector pictures' campaigns (scripts/projector_screenshots.py), so the guide shows the same
# meeting: mid-meeting — the 竞岗演讲 drawn, five speakers scored and confirmed, the sixth entered,
# the seventh half scored; 150 唱票 papers of the 其他行政编制人员 keyed — and one with every stage
# published (the 公示 sheets print).

def campaigns():
    sys.path.insert(0, str(ROOT / "scripts"))
    from projector_screenshots import mid_meeting_store, published_store
    return mid_meeting_store, published_store


# --- the shots ------------------------------------------------------------------------------------

def shoot_start(app: QApplication, out: Path, recent: Path) -> list[Path]:
    from app.ui.dialogs import NewCampaignDialog
    from app.ui.start import StartDialog
    settings = QSettings()
    settings.setValue("operator", "王敏")
    settings.setValue("recent", str(recent))
    written = []
    dialog = StartDialog()
    dialog.resize(560, dialog.sizeHint().height())
    dialog.show()
    settle(app)
    written.append(save(dialog.grab(), out / "start-dialog.png"))
    dialog.close()

    new = NewCampaignDialog()
    new.title.setText("2026年竞争轮岗")
    new.unit.setText("某某市某某局")
    new.password.setText("jd2026")
    new.again.setText("jd2026")
    new.resize(520, new.sizeHint().height())
    new.show()
    settle(app)
    written.append(save(new.grab(), out / "new-campaign.png"))
    new.close()
    return written


def shoot_file_menu(app: QApplication, window, out: Path) -> Path:
    go_tab(app, window, 1)
    menu = open_menu(app, window, "文件")
    path = save(compose(window, menu), out / "menu-file.png")
    close_menu(app, window, menu)
    return path


def shoot_draw(app: QApplication, window, out: Path) -> Path:
    """申报者述职: the seed typed and Enter pressed in the 抽签 tab (Alt+4), then 复核 (Alt+V)."""
    go_tab(app, window, 4)
    page = window.pages[3]
    page.meeting.setCurrentIndex(page.meeting.findText("申报者述职"))
    settle(app)
    page.seed.setFocus()
    QTest.keyClicks(page.seed, REPORT_SEED)
    QTest.keyClick(page.seed, Qt.Key.Key_Return)
    settle(app)
    page.order_view.selectRow(0)
    page.check_button.click()
    settle(app)
    return save(window.grab(), out / "draw-checked.png")


def shoot_projector(app: QApplication, window, out: Path) -> list[Path]:
    """The 大屏 menu, then the wall opened (F5) showing 当前演讲 (Ctrl+2, then F8 to the seventh speaker,
    the one being scored), its preview docked in the main window."""
    written = []
    go_tab(app, window, 5)
    menu = open_menu(app, window, "大屏")
    written.append(save(compose(window, menu), out / "menu-projector.png"))
    close_menu(app, window, menu)
    press(app, window, "F5")                     # 打开大屏 (one screen offscreen: a normal window)
    press(app, window, "Ctrl+2")                 # 画面：当前演讲
    for _ in range(6):
        press(app, window, "F8")                 # 下一位演讲人
    dock = window.projector.dock
    window.resizeDocks([dock], [430], Qt.Orientation.Horizontal)
    window.resize(*SIZE)
    settle(app)
    written.append(save(window.grab(), out / "projector-preview.png"))
    window.projector.close_wall()
    dock.hide()
    settle(app)
    window.resize(*SIZE)
    settle(app)
    return written


def shoot_ballot(app: QApplication, window, out: Path) -> Path:
    """唱票: F2 (其他行政编制人员), one more paper keyed and saved (1 for everyone, Enter on the last),
    the next half keyed: 1, 1, a suggested post (P05), * (无效), 0, Space, 1 …"""
    go_tab(app, window, 6)
    page = window.pages[5]
    view = page.ballot_panel.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_F2)
    settle(app)
    QTest.keyClicks(view, "1" * (page.ballot_panel.form.rowCount() - 1))
    QTest.keyClick(view, Qt.Key.Key_Return)      # the last candidate: Enter saves the paper
    settle(app)
    QTest.keyClicks(view, "11")
    QTest.keyClicks(view, "P05")
    QTest.keyClicks(view, "*0 1")
    settle(app)
    path = save(window.grab(), out / "ballot-keying.png")
    page.ballot_panel.clear_form()               # nothing left half keyed (closing would ask)
    settle(app)
    return path


def shoot_stage_and_unlock(app: QApplication, window, out: Path) -> list[Path]:
    """竞岗演讲评分 locked with Ctrl+Shift+L (twice: 已确认, then 已锁定 with the 监督组's password — its dialog
    shot), a score typed → refused in red; the 阶段 menu; the 监督组's unlock dialog filled in."""
    from app.services.store import STAGE_LABELS
    from app.ui.dialogs import UnlockDialog
    written = []
    go_tab(app, window, 5)
    page = window.pages[4]
    from app.ui import dialogs
    from app.ui.dialogs import SupervisorDialog
    # 已确认: the 8th speaker is not scored yet, so 确认 first lists what is missing and asks (shot, then 是)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    def answer_missing() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, answer_missing)
            return
        settle(app)
        written.append(save(compose(window, box), out / "confirm-incomplete.png"))
        box.button(QMessageBox.StandardButton.Yes).click()
    QTimer.singleShot(0, answer_missing)
    press(app, window, "Ctrl+Shift+L")
    lock = SupervisorDialog("锁定阶段", "确定锁定“竞岗演讲评分”阶段？\n\n锁定后，本阶段的录入不能再修改；"
                            "如需更正，须监督组输入密码并说明理由后解锁。", window)
    lock.password.setText(DEMO_PASSWORD)
    centre_on(lock, window, 560)
    lock.show()
    settle(app)
    written.append(save(compose(window, lock), out / "lock-dialog.png"))
    lock.close()
    ask = dialogs.ask_supervisor_password        # 锁定 asks the 监督组's password: they type it
    dialogs.ask_supervisor_password = lambda *a, **k: DEMO_PASSWORD
    try:
        press(app, window, "Ctrl+Shift+L")
    finally:
        dialogs.ask_supervisor_password = ask
    row = 7                                      # the eighth speaker: not scored yet
    type_cell(app, page.view, page.model.index(row, page.model.FIRST_JUDGE), "88.5")
    written.append(save(window.grab(), out / "refusal-locked.png"))

    menu = open_menu(app, window, "阶段")
    written.append(save(compose(window, menu), out / "menu-stage.png"))
    close_menu(app, window, menu)

    dialog = UnlockDialog(STAGE_LABELS["speech"], window)
    dialog.password.setText(DEMO_PASSWORD)
    name = page.model.row_at(row).name
    dialog.reason.setText(f"{name}·评委1的评分漏录，核对原始评分表后补录 88.5")
    dialog.reason.setCursorPosition(0)
    centre_on(dialog, window, 560)
    dialog.show()
    settle(app)
    written.append(save(compose(window, dialog), out / "unlock-dialog.png"))
    dialog.close()
    settle(app)
    return written


def shoot_double_entry(app: QApplication, path: Path, out: Path) -> Path:
    """The second clerk (李强) reopens the file with double entry on and types blind from the paper:
    matching scores are confirmed, one typed differently is listed for checking."""
    store = Store.open(path, operator="李强")
    window = main_window(app, store)
    go_tab(app, window, 5)
    page = window.pages[4]
    model = page.model
    for row, judges in ((5, len(model.judges())), (6, 5)):     # the sixth speaker, then the seventh
        first = model.row_at(row).cells
        for k, judge in enumerate(model.judges()[:judges]):
            value = Decimal(first[judge.id].value)
            typed = str(value + 1 if (row, k) == (5, 4) else value)   # one score heard differently
            type_cell(app, page.view, model.index(row, model.FIRST_JUDGE + k), typed)
    settle(app)
    path_out = save(window.grab(), out / "double-entry.png")
    window.close()
    store.close()
    return path_out


def shoot_print(app: QApplication, window, published: Store, out: Path) -> list[Path]:
    """Ctrl+P: a 公示 sheet refused before publication (the 草稿 box beside it), then the published
    campaign's 综合考评结果 previewed."""
    from app.ui.print_preview import PrintDialog
    from app.ui.workbench import Workbench
    written = []
    dialog = PrintDialog(window.bench, window, title="综合考评结果")
    dialog.resize(1100, 700)
    dialog.move(window.mapToGlobal(QPoint((SIZE[0] - 1100) // 2, 40)))
    dialog.show()
    settle(app)
    dialog.preview_button.click()
    settle(app)
    written.append(save(compose(window, dialog), out / "print-refused.png"))
    dialog.close()

    bench = Workbench(published)
    dialog = PrintDialog(bench, None, title="综合考评结果")
    dialog.resize(1100, 700)
    dialog.show()
    settle(app)
    dialog.preview_button.click()
    settle(app)
    written.append(save(dialog.grab(), out / "print-preview.png"))
    dialog.close()
    return written


def shoot_verify(app: QApplication, window, out: Path) -> Path:
    """文件 → 校验审计日志: the program's own message, shown without waiting for a click."""
    import app.ui.main_window as main_window_module
    shown: list[QMessageBox] = []

    def information(parent, title, text):
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
        box.button(QMessageBox.StandardButton.Ok).setText("确定")
        shown.append(box)
        return QMessageBox.StandardButton.Ok

    saved: Callable = main_window_module.QMessageBox.information
    main_window_module.QMessageBox.information = information
    try:
        action = next(a for a in window.menuBar().actions()[0].menu().actions() if a.text().startswith("校验审计日志"))
        action.trigger()
    finally:
        main_window_module.QMessageBox.information = saved
    box = shown[-1]
    centre_on(box, window)
    box.show()
    settle(app)
    path = save(compose(window, box), out / "verify-ok.png")
    box.close()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / "guide"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        # The start dialog reads the last 录入人 and file from the settings: use a throw-away copy.
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
        app = QApplication.instance() or QApplication([])
        configure_application(app)
        mid_meeting_store, published_store = campaigns()
        path = Path(tmp) / CAMPAIGN_FILE
        store = mid_meeting_store(path)
        written += shoot_start(app, out, path)
        window = main_window(app, store)
        written.append(shoot_file_menu(app, window, out))
        written.append(shoot_draw(app, window, out))
        written += shoot_projector(app, window, out)
        written.append(shoot_ballot(app, window, out))
        published = published_store(Path(tmp) / "published.db")
        written += shoot_print(app, window, published, out)
        published.close()
        written.append(shoot_verify(app, window, out))
        # Double entry: on (Alt+D in 竞岗演讲评分) before the second clerk starts.
        go_tab(app, window, 5)
        window.pages[4].double_entry.setChecked(True)
        settle(app)
        written.append(shoot_double_entry(app, path, out))
        window.pages[4].double_entry.setChecked(False)
        settle(app)
        written += shoot_stage_and_unlock(app, window, out)
        window.close()
        store.close()
    for p in written:
        size = p.stat().st_size
        print(f"{p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}  {size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
