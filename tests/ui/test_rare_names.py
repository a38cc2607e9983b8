"""A name with 䶮 (U+4DAE) or 𬱖 (U+2CC56) shows its characters in the tables and on the projector,
never a box: the application font lists the shipped WenQuanYi Micro Hei and LXGW WenKai behind the
chosen family, and Qt takes each character from the first family that has it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from app.ui.fonts import install_ui_font, missing_characters
from tests.ui.test_smoke import restore_app_font  # noqa: F401 - fixture


def painted(font: QFont, text: str) -> QImage:
    image = QImage(160, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setFont(font)
    p.setPen(QColor("black"))
    p.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
    p.end()
    return image


def test_rare_name_characters_are_covered_by_the_application_font(restore_app_font):  # noqa: F811
    app = restore_app_font
    for shipped in (True, False):
        install_ui_font(app, force_shipped=shipped)
        font = app.font()
        assert "LXGW WenKai" in font.families()
        assert missing_characters(font, "赵䶮梁𬱖王薇健0123") == ""
        assert missing_characters(font, "𪚥") == "𪚥"          # in no shipped font: reported, not hidden


def test_a_rare_character_is_drawn_as_itself_not_as_a_box(restore_app_font):  # noqa: F811
    app = restore_app_font
    install_ui_font(app, force_shipped=True)
    font = QFont(app.font())
    font.setPixelSize(32)
    box = painted(font, "\U0010FFFD")                        # a code point no font has: Qt's box
    for ch in "䶮𬱖":
        image = painted(font, ch)
        assert image != box and image != painted(font, " ")
    assert painted(font, "䶮") != painted(font, "𬱖")
