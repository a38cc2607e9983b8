"""Before the window: on Linux under X (Qt's ``xcb`` platform), are the system libraries Qt's xcb plugin needs
installed? A fresh Debian machine lacked libxcb-icccm4 and libxcb-keysyms1, and Qt then aborted naming
another library (xcb-cursor0). Checked before the QApplication exists, only when the platform is xcb:
``ldd`` of the plugin lists every library it cannot find, and the message is the exact ``apt-get install``
line (Debian names a library's package after its soname: libxcb-icccm.so.4 → libxcb-icccm4)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGES = {   # where Debian's package name does not follow the soname
    "libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0", "libgobject-2.0.so.0": "libglib2.0-0",
    "libGLdispatch.so.0": "libglvnd0", "libz.so.1": "zlib1g", "libgcc_s.so.1": "libgcc-s1",
    "libstdc++.so.6": "libstdc++6", "libbrotlidec.so.1": "libbrotli1", "libbrotlicommon.so.1": "libbrotli1",
}
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)


def uses_xcb(environ: dict[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether Qt will load its xcb plugin: asked for by QT_QPA_PLATFORM, or Linux outside a Wayland session."""
    env = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux"):
        return False
    asked = env.get("QT_QPA_PLATFORM", "").strip()
    if asked:
        return asked.split(";")[0].split(":")[0] == "xcb"
    return not (env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland")


def xcb_plugin() -> Path | None:
    from PySide6.QtCore import QLibraryInfo
    plugin = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def missing_libraries(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` could not find, in its order, each once."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def debian_package(soname: str) -> str:
    """libxcb-icccm.so.4 → libxcb-icccm4, libxkbcommon-x11.so.0 → libxkbcommon-x11-0, libX11.so.6 → libx11-6."""
    if soname in PACKAGES:
        return PACKAGES[soname]
    m = re.match(r"^(lib[\w.+-]+?)\.so\.(\d+)", soname)
    if not m:
        return soname
    name, version = m.group(1).lower(), m.group(2)
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def message(missing: list[str]) -> str:
    packages = list(dict.fromkeys(debian_package(lib) for lib in missing))
    return (f"无法启动图形界面：缺少 Qt 显示所需的系统库 {'、'.join(missing)}。\n"
            f"请先安装（Debian / Ubuntu，需要管理员权限）：\n"
            f"  sudo apt-get install {' '.join(packages)}\n"
            "安装后再启动程序。")


def check_xcb() -> str | None:
    """The message to print instead of starting, or None (not xcb, nothing missing, or no ``ldd`` to ask)."""
    if not uses_xcb():
        return None
    plugin, ldd = xcb_plugin(), shutil.which("ldd")
    if plugin is None or ldd is None:
        return None
    try:
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    missing = missing_libraries(out)
    return message(missing) if missing else None
