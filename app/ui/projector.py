"""The projector (大屏): a second, read-only window on the wall, and its live preview in the main window.

Like every screen it listens to the one ``Workbench.changed`` signal and never polls: a
:class:`ProjectorFeed` rebuilds the chosen scene's data only for the changes that scene is drawn from
(:data:`app.services.projector.SCENE_WATCHES`), and the wall and the preview paint from it. What the
room sees is chosen through a logged service (``set_projector_scene``) and kept in the campaign
file, so a restart — or closing and reopening the wall — shows the same scene.

The one timer here turns the *pages* of a long list every :data:`PAGE_SECONDS` seconds: it never
reads the store, it only shows the next part of what is already loaded.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QKeySequence, QPainter
from PySide6.QtWidgets import QDockWidget, QInputDialog, QMainWindow, QWidget

from ..core.draw import MEETINGS
from ..services import projector as service
from ..services.projector import PROJECTOR_CHANGED, SCENE_LABELS, SCENE_WATCHES, SCENES, ProjectorState, TallyScene
from ..services.store import Changed, StorageError, StoreError
from .projector_scenes import PAGE_SECONDS, SceneRenderer, paginate
from .workbench import FAILED, Workbench

WALL_TITLE = "大屏 — 竞岗考评"        # ends with the display name, which Qt would otherwise append again
DEFAULT_WALL = (1920, 1080)
PREVIEW_MIN = (160, 90)          # the preview dock at its narrowest (16:9)
SCENE_KEYS = {scene: f"Ctrl+{i}" for i, scene in enumerate(SCENES, start=1)}
OPEN_KEY, BLACKOUT_KEY, NEXT_SPEAKER_KEY, PREV_SPEAKER_KEY, NEXT_PAGE_KEY = "F5", "F7", "F8", "Shift+F8", "F9"


class ProjectorFeed(QObject):
    """The chosen scene and its data, kept current from ``bench.changed`` (shared by wall and preview)."""

    updated = Signal()     # new data or a new state: repaint
    paged = Signal()       # the page turned (nothing was read)

    def __init__(self, bench: Workbench, parent: QObject | None = None):
        super().__init__(parent)
        self.bench = bench
        self.state = ProjectorState()
        self.data: Any = None
        self.pages: list[list[Any]] = [[]]
        self.page = 0
        self.wall_size: tuple[int, int] = DEFAULT_WALL   # the preview takes the wall's shape
        self._viewers = 0        # the wall and the preview, while shown
        self._stale = False      # a change came while nobody was looking: rebuild when one looks
        self.timer = QTimer(self)
        self.timer.setInterval(PAGE_SECONDS * 1000)
        self.timer.timeout.connect(self.next_page)
        bench.changed.connect(self.on_changed)
        self.activity = ""       # "扫描中：已读 12 页 …" while a scan runs (the tally shows it)
        bench.activity.connect(self.on_activity)
        self.state = service.projector_state(bench.store)
        self._stale = True       # built when the wall or the preview is first shown

    def reload(self) -> None:
        """Read the stored state and the scene from scratch (opening, restart)."""
        self.state = service.projector_state(self.bench.store)
        self.page = 0
        self._rebuild(Changed.ALL)
        self.updated.emit()

    def on_changed(self, change: Any) -> None:
        flags: Changed = change.flags
        old = self.state
        if flags & PROJECTOR_CHANGED:
            try:
                self.state = service.projector_state(self.bench.store)
            except StoreError:
                return           # the store cannot be read now: the wall keeps what it shows
        state = self.state
        same_scene = (old.scene, old.meeting, old.speaker) == (state.scene, state.meeting, state.speaker)
        if not same_scene or flags & SCENE_WATCHES[state.scene]:
            if old.scene != state.scene or old.meeting != state.meeting:
                self.page = 0
            if self._viewers:
                self._rebuild(flags if old.scene == state.scene and not self._stale else Changed.ALL)
            else:
                self._stale = True                  # nobody sees it: no work until somebody does
        elif old == state:
            return               # nothing this scene shows has changed
        self.updated.emit()

    def on_activity(self, text: str) -> None:
        """Work in progress (a scan) the tally shows in its title; no data is read for it."""
        if text == self.activity:
            return
        self.activity = text
        if isinstance(self.data, TallyScene):
            self.data = replace(self.data, scanning=text)
            self.updated.emit()

    def attach(self) -> None:
        """A view is shown: bring the scene up to date if changes came while none was."""
        self._viewers += 1
        if self._stale:
            self._rebuild(Changed.ALL)
            self.updated.emit()
        elif len(self.pages) > 1 and not self.timer.isActive():
            self.timer.start()

    def detach(self) -> None:
        self._viewers = max(0, self._viewers - 1)
        if not self._viewers:
            self.timer.stop()

    def _rebuild(self, flags: Changed) -> None:
        self._stale = False
        try:
            self.data = service.build_scene(self.bench.store, self.state, flags)
        except StorageError as err:      # cannot read now: the wall keeps what it shows, tries again later
            self._stale = True
            self.bench.message.emit(f"大屏未能更新：{err.cause}", True)
            return
        except StoreError as err:
            self.data = None
            self.bench.message.emit(f"大屏：{err}", True)
        if isinstance(self.data, TallyScene) and self.activity:
            self.data = replace(self.data, scanning=self.activity)
        self.pages = paginate(self.data) if self.data is not None else [[]]
        self.page = min(self.page, len(self.pages) - 1)
        if len(self.pages) > 1 and self._viewers:
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()

    def next_page(self, step: int = 1) -> None:
        if len(self.pages) > 1:
            self.page = (self.page + step) % len(self.pages)
            self.paged.emit()


class ProjectorWindow(QWidget):
    """The wall: full screen on the chosen screen, black, large type; read-only (B = 黑屏)."""

    painted = Signal()     # after each paint (the benchmark times the wall with it)
    closed = Signal()

    def __init__(self, bench: Workbench, feed: ProjectorFeed | None = None, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.bench = bench
        self.feed = feed if feed is not None else ProjectorFeed(bench, self)
        self.renderer = SceneRenderer()
        self.setWindowTitle(WALL_TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)   # closing the main window ends the program
        # Opening the wall never takes the keyboard from the clerk (one screen, duplicate mode): the
        # main window stays active; the wall takes keys only when clicked.
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.resize(1280, 720)
        self.feed.updated.connect(self._on_updated)
        self.feed.paged.connect(self.update)

    # -- placing --------------------------------------------------------------------------------------

    @staticmethod
    def default_screen():
        """The second screen if there is one (the projector), else None (a normal window)."""
        primary = QGuiApplication.primaryScreen()
        others = [s for s in QGuiApplication.screens() if s is not primary]
        return others[0] if others else None

    def show_on(self, screen=None) -> None:
        """Full screen on ``screen`` (default: the second screen); a normal window when there is none."""
        screen = screen if screen is not None else self.default_screen()
        if screen is None:
            self.showNormal()
            return
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.setCursor(Qt.CursorShape.BlankCursor)

    # -- what it shows ---------------------------------------------------------------------------------

    def texts(self) -> list[str]:
        """Every string the last paint put on the wall."""
        return self.renderer.texts()

    def set_blackout(self, on: bool) -> None:
        self.bench.run(service.set_blackout, on, what="大屏" + ("黑屏 " if on else "恢复显示 "))

    def _on_updated(self) -> None:
        if self.isVisible():
            # Painted now, inside the change notification: the wall does not wait for the main
            # window's slower tabs to redraw first.
            self.repaint()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt name
        painter = QPainter(self)
        try:
            self.renderer.paint(painter, self.width(), self.height(), self.feed.data, self.feed.state,
                                self.feed.page, self.feed.pages)
        finally:
            painter.end()
        self.painted.emit()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        self.feed.attach()
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt name
        self.feed.detach()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().closeEvent(event)
        self.closed.emit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt name
        self.feed.wall_size = (max(self.width(), 1), max(self.height(), 1))
        self.feed.paged.emit()          # the preview takes the new shape
        super().resizeEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        key = event.key()
        if key == Qt.Key.Key_B:
            self.set_blackout(not self.feed.state.blackout)
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Space):
            self.feed.next_page(1)
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_Left):
            self.feed.next_page(-1)
        elif key == Qt.Key.Key_Escape and self.isFullScreen():
            self.showNormal()
            self.unsetCursor()
        else:
            super().keyPressEvent(event)


class ProjectorPreview(QWidget):
    """A small live copy of the wall for the main window (the same scene, painted scaled down)."""

    def __init__(self, feed: ProjectorFeed, parent: QWidget | None = None):
        super().__init__(parent)
        self.feed = feed
        self.renderer = SceneRenderer()
        # Small enough that the main window, with this dock shown, still fits a 1366-px laptop screen.
        self.setMinimumSize(*PREVIEW_MIN)
        feed.updated.connect(self.update)
        feed.paged.connect(self.update)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt name
        return QSize(320, 180)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        self.feed.attach()
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt name
        self.feed.detach()
        super().hideEvent(event)

    def wall_rect(self) -> QRectF:
        w, h = self.feed.wall_size
        scale = min(self.width() / w, self.height() / h)
        return QRectF((self.width() - w * scale) / 2, (self.height() - h * scale) / 2, w * scale, h * scale)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt name
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor("#404040"))
            rect = self.wall_rect()
            w, h = self.feed.wall_size
            painter.save()
            painter.translate(rect.topLeft())
            painter.scale(rect.width() / w, rect.height() / h)
            self.renderer.paint(painter, w, h, self.feed.data, self.feed.state, self.feed.page, self.feed.pages)
            painter.restore()
            if self.feed.state.blackout:   # for the operator only: the wall itself is plain black
                painter.setPen(QColor("#9a9a9a"))
                painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), "黑屏中")
        finally:
            painter.end()


class ProjectorControls(QObject):
    """The 大屏 menu, the preview dock and the wall window of a main window."""

    def __init__(self, window: QMainWindow, bench: Workbench):
        super().__init__(window)
        self.window, self.bench = window, bench
        # Created before the tabs, so the wall hears of a change first.
        self.feed = ProjectorFeed(bench, self)
        self.wall: ProjectorWindow | None = None
        self.screen = None
        self.preview = ProjectorPreview(self.feed)
        self.dock = QDockWidget("大屏预览", window)
        self.dock.setObjectName("projectorPreview")
        self.dock.setWidget(self.preview)
        self.dock.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.LeftDockWidgetArea)
        self.scene_actions: dict[str, QAction] = {}
        self.meeting_actions: dict[str, QAction] = {}
        self.feed.updated.connect(self._sync)

    def install(self, bar) -> None:
        """Add the 大屏 menu to the menu bar and the (hidden) preview dock to the window."""
        w = self.window
        w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        menu = bar.addMenu("大屏(&P)")
        self.open_action = self._action(menu, "打开大屏", self.toggle_wall, OPEN_KEY, checkable=True)
        self._action(menu, "选择屏幕…", self.choose_screen)
        menu.addSeparator()
        group = QActionGroup(self)
        for scene in SCENES:
            act = self._action(menu, f"画面：{SCENE_LABELS[scene]}", lambda _=False, s=scene: self.show_scene(s),
                               SCENE_KEYS[scene], checkable=True)
            group.addAction(act)
            self.scene_actions[scene] = act
        meetings = menu.addMenu("抽签结果的会议")
        mgroup = QActionGroup(self)
        for meeting in MEETINGS:
            act = self._action(meetings, meeting, lambda _=False, m=meeting: self.show_scene(service.DRAW, meeting=m),
                               checkable=True)
            mgroup.addAction(act)
            self.meeting_actions[meeting] = act
        self._action(menu, "下一位演讲人", lambda: self.step_speaker(1), NEXT_SPEAKER_KEY)
        self._action(menu, "上一位演讲人", lambda: self.step_speaker(-1), PREV_SPEAKER_KEY)
        self._action(menu, "大屏翻页", lambda: self.feed.next_page(1), NEXT_PAGE_KEY)
        menu.addSeparator()
        self.blackout_action = self._action(menu, "黑屏（大屏上按 B 亦可）", self.toggle_blackout, BLACKOUT_KEY,
                                            checkable=True)
        preview = self.dock.toggleViewAction()
        preview.setText("显示大屏预览")
        menu.addAction(preview)
        self._sync()

    def _action(self, menu, text: str, slot, shortcut: str | None = None, *, checkable: bool = False) -> QAction:
        act = QAction(text, self.window)
        act.setCheckable(checkable)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
            # F5, Ctrl+1…6, F7, F8, F9 work from the main window and from the wall alike.
            act.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    # -- actions --------------------------------------------------------------------------------------

    # Every action is a logged write answered with the new state (Changed.PROJECTOR: no tab redraws);
    # one that cannot be saved says why, naming the action, and the menu shows what the wall still shows.

    def show_scene(self, scene: str, *, quiet: bool = False, **options: Any) -> None:
        """Switch the wall (logged); ``quiet``: without saying so in the message line (a seal said more)."""
        what = f"大屏切换到“{SCENE_LABELS[scene]}”" + (f"（{options['meeting']}）" if options.get("meeting") else "") + " "
        result = self.bench.run(service.set_projector_scene, scene, initiator=self, what=what, **options)
        if result is not FAILED and not quiet:
            self.bench.info(result.label or f"大屏：{SCENE_LABELS[scene]}")
        self._sync()

    def toggle_blackout(self) -> None:
        on = not self.feed.state.blackout
        result = self.bench.run(service.set_blackout, on, initiator=self, what="大屏" + ("黑屏 " if on else "恢复显示 "))
        if result is not FAILED:
            self.bench.info(result.label)
        self._sync()

    def step_speaker(self, step: int) -> None:
        """F8 / Shift+F8: the next or previous speaker after the one the wall shows here."""
        result = self.bench.run(service.step_speaker, step, initiator=self, seen=self.feed.state.speaker,
                                what=f"大屏{'下' if step > 0 else '上'}一位演讲人 ")
        if result is not FAILED:
            self.bench.info(result.label)
        self._sync()

    def open_wall(self) -> ProjectorWindow:
        if self.wall is None:
            self.wall = ProjectorWindow(self.bench, self.feed, self.window)
            self.wall.closed.connect(self._sync)
        self.feed.reload()            # from the stored data: what a restart would show
        self.wall.show_on(self.screen)
        # The clerk keeps typing in the main window; on one screen it stays in front of the wall
        # (the preview dock is opened from the menu only: at 1366×768 it would squeeze the tables).
        if self.wall.screen() is self.window.screen():
            self.window.raise_()
        self.window.activateWindow()
        self._sync()
        return self.wall

    def close_wall(self) -> None:
        if self.wall is not None:
            self.wall.close()
        self.feed.wall_size = DEFAULT_WALL
        self._sync()

    def toggle_wall(self) -> None:
        if self.wall is not None and self.wall.isVisible():
            self.close_wall()
        else:
            self.open_wall()

    def choose_screen(self) -> None:
        screens = QGuiApplication.screens()
        primary = QGuiApplication.primaryScreen()
        labels = [f"屏幕 {i}：{s.name()} {s.geometry().width()}×{s.geometry().height()}"
                  + ("（主屏）" if s is primary else "") for i, s in enumerate(screens, start=1)]
        current = screens.index(self.screen) if self.screen in screens else \
            screens.index(ProjectorWindow.default_screen() or primary)
        label, ok = QInputDialog.getItem(self.window, "大屏显示在", "屏幕：", labels, current, False)
        if ok:
            self.screen = screens[labels.index(label)]
            if self.wall is not None and self.wall.isVisible():
                self.wall.show_on(self.screen)

    def _sync(self) -> None:
        state = self.feed.state
        if self.scene_actions:
            self.scene_actions[state.scene].setChecked(True)
            self.meeting_actions[state.meeting].setChecked(True)
            self.blackout_action.setChecked(state.blackout)
            self.open_action.setChecked(self.wall is not None and self.wall.isVisible())
