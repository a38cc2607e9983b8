"""What makes a sheet a 公示, in the manner of GB/T 9704-2012 and ordinary 公示 practice.

- The title names the unit and the campaign: 发文机关 + 事由 + 文种, e.g. "某某局2026年竞争轮岗综合考评
  结果公示" (title role, 22 pt).
- The opening sentence (body role, 16 pt, 首行缩进两字) says what is published, the 公示期 and how to
  object: 监督电话 and 监督信箱 (a blank line to fill in by hand when none is stored).
- The 落款 (:class:`Issuer`): the issuing unit centred over the date, the date 右空四字, with room
  for the seal (印章端正、居中下压署名和日期, top within a line of the text above).
- The posted version (张贴版) ends there; the filed version (存档版) adds the 计分人/复核人/监督人 block
  below, as the 版记 of a filed copy.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from .data import Publicity, SheetHeader
from .fonts import FontChain

SEAL_MM = 42.0          # an official seal's diameter
BLANK = "＿＿＿＿＿＿＿＿"


def heading(h: SheetHeader) -> str:
    """The title: unit + campaign + what (+ 公示 for a 公示 sheet that does not say so)."""
    what = h.title
    if h.publicity is not None and not what.endswith("公示"):
        what += "公示"
    return f"{h.unit}{h.campaign}{what}"


def opening(h: SheetHeader, what: str | None = None) -> str:
    """The opening sentence: what is published, the 公示期, how to object."""
    p = h.publicity
    assert p is not None
    subject = what or f"{h.campaign}{h.title.removesuffix('公示')}{('（' + h.subtitle + '）') if h.subtitle else ''}"
    return (f"根据竞争轮岗实施细则，现将{subject}予以公示。公示期为{p.start}至{p.end}（{p.days}天）。"
            "公示期间，对公示内容有异议的，可通过监督电话、监督信箱或来访向竞争轮岗监督组反映，"
            "反映问题应实事求是，提倡署真实姓名。" + contacts(p))


def contacts(p: Publicity) -> str:
    return f"监督电话：{p.phone or BLANK}；监督信箱：{p.mailbox or BLANK}。"


class Issuer(Flowable):
    """落款: the issuing unit centred over the date, the date four characters from the right
    margin, and blank room around them for a 42 mm seal. Never split."""

    def __init__(self, unit: str, date: str, chain: FontChain, size: float):
        super().__init__()
        self.unit, self.date, self.chain, self.size = unit, date, chain, size
        self.line = size * 1.75
        self.above = self.line          # the seal reaches up into this line (顶端上距正文一行之内)
        self.height = self.above + 2 * self.line + 2 * mm   # the seal's lower edge may reach the signatures' space

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return self.width, self.height

    def draw(self) -> None:
        c, chain, size = self.canv, self.chain, self.size
        date_right = self.width - 4 * size                  # 右空四字
        date_w = chain.width(self.date, size)
        centre = date_right - date_w / 2
        unit_w = chain.width(self.unit, size)
        centre = min(centre, self.width - unit_w / 2)       # a long unit name stays inside the margin
        y_unit = self.height - self.above - size
        chain.draw(c, centre, y_unit, self.unit, size, "centre")
        chain.draw(c, date_right, y_unit - self.line, self.date, size, "right")
