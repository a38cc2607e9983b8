"""What the benchmark scripts share: timing, the median/p95 summary, the machine line."""

from __future__ import annotations

import os
import platform
import statistics
import time
from typing import Callable


def ms(fn: Callable[[], object]) -> float:
    """Wall time of one call of ``fn``, in milliseconds."""
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000.0


def repeat(fn: Callable[[], object], runs: int) -> list[float]:
    """``runs`` timings of ``fn``, in milliseconds."""
    return [ms(fn) for _ in range(runs)]


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank on the sorted values; the worst value below 20 values)."""
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    """Median, p95, best, worst and count of a list of timings."""
    return {"median": statistics.median(values), "p95": p95(values), "best": min(values), "worst": max(values),
            "n": len(values)}


def machine_line() -> str:
    """The one-line machine description each script prints."""
    return (f"{platform.machine()} {platform.processor() or '(processor n/a)'}, "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()} ({platform.python_implementation()}), "
            f"{platform.system()} {platform.release()}")


def paint_spy(widget):
    """An event filter on ``widget`` whose ``painted`` turns True at the widget's next paint (reset it by hand)."""
    from PySide6.QtCore import QEvent, QObject

    class PaintSpy(QObject):
        painted = False

        def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt name
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    spy = PaintSpy(widget)
    widget.installEventFilter(spy)
    return spy


def median_p95(values: list[float]) -> str:
    """``median   5.22 ms   p95   8.47 ms``"""
    s = summary(values)
    return f"median {s['median']:6.2f} ms   p95 {s['p95']:6.2f} ms"


def spread(values: list[float]) -> str:
    """``median   5.22 ms   p95   8.47 ms   best   4.67 ms   worst   8.47 ms``"""
    return f"{median_p95(values)}   best {min(values):6.2f} ms   worst {max(values):6.2f} ms"


def timed(owner, name: str, sink: list[float]):
    """Replace ``owner.name`` by a wrapper adding each call's ms to ``sink``; returns the original."""
    real = getattr(owner, name)

    def wrapper(*a, **k):
        s0 = time.perf_counter()
        try:
            return real(*a, **k)
        finally:
            sink.append((time.perf_counter() - s0) * 1000.0)
    setattr(owner, name, wrapper)
    return real
