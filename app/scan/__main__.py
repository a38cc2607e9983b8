"""``python -m app.scan``: the reader and the test corpus without a campaign file.

    python -m app.scan corpus DIR [--ballots 20] [--seed 17]
        writes generated scans, their truth (truth.json) and the layouts (layout-*.json) into DIR
    python -m app.scan read DIR --layout L.json [--layout …] [--truth truth.json] [--low 1/50 --high 1/10]
        prints one JSON line per page (file, sha256, status, reason, group, number, marks); with
        --truth, a last line comparing them with the truth (silent errors, doubtful, rejections)

Exit 0; 2 with a message for an unusable folder or layout. The campaign's own ``python -m app scan
FILE.db FOLDER`` reads into the campaign; this one only reads.
"""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from pathlib import Path

from .layout import LayoutError, layout_from_json


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.scan", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("corpus", help="写出生成的扫描样本及其真值")
    c.add_argument("folder", type=Path)
    c.add_argument("--ballots", type=int, default=20)
    c.add_argument("--seed", type=int, default=17)
    r = sub.add_parser("read", help="识读一个文件夹的扫描件")
    r.add_argument("folder", type=Path)
    r.add_argument("--layout", type=Path, action="append", required=True)
    r.add_argument("--truth", type=Path)
    r.add_argument("--low", default=None)
    r.add_argument("--high", default=None)
    args = parser.parse_args(argv)
    if args.command == "corpus":
        from .corpus import write_corpus
        pages = write_corpus(args.folder, args.ballots, args.seed)
        print(f"{pages} pages written to {args.folder}")
        return 0
    from .measure import Thresholds
    from .reader import Reader
    try:
        layouts = [layout_from_json(p.read_text(encoding="utf-8")) for p in args.layout]
        t = Thresholds()
        thresholds = Thresholds(Fraction(args.low) if args.low else t.low, Fraction(args.high) if args.high else t.high)
    except (OSError, LayoutError, ValueError, ZeroDivisionError) as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    if not args.folder.is_dir():
        print(f"错误：{args.folder} 不是文件夹", file=sys.stderr)
        return 2
    result = Reader(layouts, thresholds, keep_images=False).read_folder(args.folder)
    for page in result.pages:
        print(json.dumps(page.to_json(), ensure_ascii=False))
    if args.truth:
        from .corpus import PageTruth
        from .scoring import Score
        truth = {(t["name"], t["file_page"]): PageTruth(**t)
                 for t in json.loads(args.truth.read_text(encoding="utf-8"))["pages"]}
        score = Score()
        for page in result.pages:
            if (page.file, page.file_page) in truth:
                score.add(truth[(page.file, page.file_page)], page)
        f = score.figures()
        print(json.dumps({k: f[k] for k in ("pages", "silent_errors", "silent", "doubtful", "boxes", "rejections",
                                             "missed_rejections", "unexpected_blank")}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
