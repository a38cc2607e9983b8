"""Locate files under ``resources/`` from a source checkout and from a PyInstaller bundle.

In a checkout the folder sits beside the ``app`` package (``<repo>/resources``); in a
PyInstaller bundle it is unpacked under ``sys._MEIPASS`` (add it with
``--add-data resources:resources``).
"""

from __future__ import annotations

import sys
from pathlib import Path

CJK_FONT_FILE = "wqy-microhei.ttc"
"""WenQuanYi Micro Hei (Apache-2.0 or GPL-3+ with font exception); see resources/fonts/."""

CJK_FONT_SUBFONT_INDEX = 0
"""Index of the proportional face in the .ttc (1 is the monospaced one)."""


def resources_root() -> Path:
    """The ``resources`` folder: the bundle's when frozen, otherwise the checkout's."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``, e.g. ``resource_path("icons", "app.svg")``.

    The path is returned whether or not the file exists.
    """
    return resources_root().joinpath(*parts)


FALLBACK_FONT_FILE = "LXGWWenKai-Regular.ttf"
"""LXGW WenKai (霞鹜文楷, SIL OFL 1.1; see resources/fonts/): TrueType outlines covering the whole
通用规范汉字表 (䶮, 𬱖 …) — the second font of every fallback chain, in print and on screen."""


def fallback_font_path() -> Path:
    """The shipped wide-coverage CJK font (TrueType, one face)."""
    return resource_path("fonts", FALLBACK_FONT_FILE)


def cjk_font_path() -> Path:
    """The shipped CJK font (TrueType collection; use subfont index 0)."""
    return resource_path("fonts", CJK_FONT_FILE)


def app_icon_path() -> Path:
    """The application icon (SVG)."""
    return resource_path("icons", "app.svg")
