"""A stand-in for :mod:`app.services.scanning` while the service is being written: one real page read by
the engine (a doubtful light-pencil box, an invalid row), its PNG and the contract's dataclasses."""

from __future__ import annotations

import io
from dataclasses import replace

from PIL import Image

from app.scan.degrade import Scan, scan_page
from app.scan.reader import Reader
from app.services import scanning as real
from app.services.store import Changed, StoreError, Wrote
from tests.scan.conftest import CANDIDATES, NAMES, POST_NAMES, marked, printed, source


class FakeScanning:
    def __init__(self, layout):
        image = printed(layout)
        marked(image, layout, {("1001", "agree:P1"): "light_pencil", ("1002", "agree:P2"): "check",
                               ("1002", "suggest:P1"): "fill", ("1003", "agree:P4"): "check"}, seed=5)
        page = Reader([layout], keep_images=True).read_page(source(scan_page(image, Scan(200, rotation=0.7))))
        buf = io.BytesIO()
        Image.fromarray(page.aligned).save(buf, "PNG")
        self.png = buf.getvalue()
        self.items = []
        for person in ("1001", "1002"):
            boxes = tuple(real.ScanBox(b.choice, POST_NAMES[b.choice.split(":")[1]], f"{float(b.fill):.3f}",
                                       b.decision, (b.rect.x, b.rect.y, b.rect.w, b.rect.h))
                          for b in page.boxes if b.person == person)
            why = "doubtful" if person == "1001" else "invalid"
            self.items.append(real.ReviewItem(f"staff:482913:{person}", "staff", "482913", person, NAMES[person], 1,
                                              "scan-001.png", "ab" * 32, why,
                                              "标记不清（填涂 0.050）" if why == "doubtful" else "同一人标记了两个框",
                                              boxes, None, None, None, None, 1))
        self.pages = [real.ScannedPage(1, "scan-001.png", "ab" * 32, "waiting", "", "", "staff", "482913", None),
                      real.ScannedPage(2, "scan-002.jpg", "cd" * 32, "rejected", "二维码无法识读",
                                       "请重新扫描该页；仍不能识读的，按唱票手工录入该票", None, None, None)]
        self.diffs = [real.ChannelDifference("leaders", "730112", "1003", "王五", "agree:P4", "blank", 3)]
        self.operator = "王敏"

    def install(self, monkeypatch):
        for name in ("review_queue", "scanned_pages", "channel_differences", "page_image", "decide", "confirm",
                     "resolve_difference"):
            monkeypatch.setattr(real, name, getattr(self, name))

    def review_queue(self, store):
        return sorted(self.items, key=lambda i: i.decided is not None)

    def scanned_pages(self, store):
        return list(self.pages)

    def channel_differences(self, store):
        return list(self.diffs)

    def page_image(self, store, page_id):
        return self.png

    def _item(self, key, version):
        item = next(i for i in self.items if i.key == key)
        if item.version != version:
            raise StoreError("已被 李强 修改")
        return item

    def _put(self, item):
        self.items = [item if i.key == item.key else i for i in self.items]
        return Wrote(Changed.BALLOTS, label=f"{item.person_name} 已判定", version=item.version)

    def decide(self, store, key, mark, *, expected_version):
        item = self._item(key, expected_version)
        return self._put(replace(item, decided=mark, decided_by=store.operator, version=item.version + 1))

    def confirm(self, store, key, confirmer, *, expected_version):
        item = self._item(key, expected_version)
        if confirmer == item.decided_by:
            raise StoreError("须由另一人确认")
        self.items = [i for i in self.items if i.key != key]
        return Wrote(Changed.BALLOTS, label=f"{item.person_name} 已确认")

    def resolve_difference(self, store, group, number, person, mark, reason, *, expected_version):
        self.diffs = []
        return Wrote(Changed.BALLOTS, label=f"票号 {number} 已认定")


__all__ = ["FakeScanning", "CANDIDATES"]
