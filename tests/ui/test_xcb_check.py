"""Issue 13: on Linux under X the first start failed in Qt's xcb plugin until libxcb-icccm4 and libxcb-keysyms1
were installed, and Qt named another library. The program checks first (only when Qt will use xcb) and says
the exact apt-get line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.ui import xcb_check

LDD = """\
\tlinux-vdso.so.1 (0x00007ffd4c9f2000)
\tlibQt6XcbQpa.so.6 => /opt/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007f2a1c000000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f2a1bf00000)
"""


def test_the_missing_libraries_become_one_apt_get_line():
    missing = xcb_check.missing_libraries(LDD)
    assert missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0"]
    text = xcb_check.message(missing)
    assert "  sudo apt-get install libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0\n" in text
    assert "libxcb-icccm.so.4、libxcb-keysyms.so.1" in text


@pytest.mark.parametrize("soname, package", [
    ("libxcb-icccm.so.4", "libxcb-icccm4"), ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"), ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"), ("libX11-xcb.so.1", "libx11-xcb1"), ("libX11.so.6", "libx11-6"),
    ("libEGL.so.1", "libegl1"), ("libdbus-1.so.3", "libdbus-1-3"), ("libglib-2.0.so.0", "libglib2.0-0"),
])
def test_debian_names_a_librarys_package_after_its_soname(soname, package):
    assert xcb_check.debian_package(soname) == package


@pytest.mark.parametrize("env, expected", [
    ({}, True), ({"QT_QPA_PLATFORM": "xcb"}, True), ({"QT_QPA_PLATFORM": "offscreen"}, False),
    ({"QT_QPA_PLATFORM": "wayland"}, False), ({"WAYLAND_DISPLAY": "wayland-0"}, False),
    ({"XDG_SESSION_TYPE": "wayland", "QT_QPA_PLATFORM": "xcb"}, True),
])
def test_checked_only_when_qt_will_use_xcb(env, expected):
    assert xcb_check.uses_xcb(env, "linux") is expected
    assert xcb_check.uses_xcb(env, "win32") is False


def test_the_program_prints_the_line_and_stops_before_qt_aborts(tmp_path, monkeypatch):
    """The real start, with an xcb plugin that needs libraries this machine lacks: a stand-in plugin linked
    to a library that exists nowhere (made with the C compiler, when there is one)."""
    cc = next((c for c in ("cc", "gcc") if subprocess.run(["which", c], capture_output=True).returncode == 0), None)
    if cc is None or not sys.platform.startswith("linux"):
        pytest.skip("needs a C compiler on Linux to make a plugin with a missing library")
    lib, plugin_dir = tmp_path / "libxcb-jinggang-test.so.4", tmp_path / "plugins" / "platforms"
    plugin_dir.mkdir(parents=True)
    (tmp_path / "a.c").write_text("int f(void) { return 1; }\n")
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(lib), "-Wl,-soname,libxcb-jinggang-test.so.4",
                    str(tmp_path / "a.c")], check=True)
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(plugin_dir / "libqxcb.so"), str(tmp_path / "a.c"),
                    "-Wl,--no-as-needed", str(lib)], check=True)
    lib.unlink()                                            # now "not found" for ldd
    code = (
        "import sys; from app.ui import xcb_check; from pathlib import Path\n"
        f"xcb_check.xcb_plugin = lambda: Path({str(plugin_dir / 'libqxcb.so')!r})\n"
        "from app.ui.app import run_gui\n"
        "sys.exit(run_gui())\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], env=env,
                            capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 1
    assert "  sudo apt-get install libxcb-jinggang-test4\n" in result.stderr
    assert "qt.qpa" not in result.stderr                   # Qt never got to try


def test_this_machines_own_plugin_finds_everything():
    plugin = xcb_check.xcb_plugin()
    if plugin is None or not sys.platform.startswith("linux"):
        pytest.skip("no xcb plugin here")
    out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True).stdout
    assert xcb_check.missing_libraries(out) == []
