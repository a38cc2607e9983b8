"""Shared test set-up: Qt offscreen, the data folder."""

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"


def on_expected_keys(doc, expected):
    """``doc`` cut down to the keys ``expected`` has, at every level (lists item by item), so that
    ``on_expected_keys(doc, expected) == expected`` checks conformance while the program adds keys a
    reader ignores (SPEC §8: the margins of §11 are not in small.expected.json)."""
    if isinstance(doc, dict) and isinstance(expected, dict):
        return {k: on_expected_keys(doc[k], v) if k in doc else "<missing>" for k, v in expected.items()}
    if isinstance(doc, list) and isinstance(expected, list) and len(doc) == len(expected):
        return [on_expected_keys(d, e) for d, e in zip(doc, expected)]
    return doc
