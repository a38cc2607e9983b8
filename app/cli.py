"""Sub-commands that need no window: ``compute`` and ``draw`` (more come with the store)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Sequence, TextIO

from .core.campaign import CampaignError, load_campaign_text
from .core.draw import DrawError, draw
from .core.results import compute, results_to_json

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def run_compute(path: str, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """SPEC §8: results JSON on stdout (exit 0), or one line per problem on stderr (exit 2)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        print(f"{path}: 无法读取（{exc.strerror or exc}）", file=err)
        return EXIT_BAD_INPUT
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        print(f"{path}: 不是 UTF-8 文本（第 {exc.start} 字节）", file=err)
        return EXIT_BAD_INPUT
    try:
        campaign = load_campaign_text(text)
    except CampaignError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        return EXIT_BAD_INPUT
    document = results_to_json(compute(campaign))
    out.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
    return EXIT_OK


def run_draw(seed: str, meeting: str, ids: Sequence[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """SPEC §5: ``list_digest <hex>`` then ``<position> <id> <key>`` per candidate."""
    try:
        result = draw(seed, meeting, list(ids))
    except DrawError as exc:
        print(str(exc), file=err)
        return EXIT_BAD_INPUT
    out.write("\n".join(result.lines()) + "\n")
    return EXIT_OK
