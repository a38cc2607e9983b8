"""PNGs of every projector (大屏) scene at 1920×1080 and 1024×768 → docs/screenshots/projector-*.png.

A demo campaign (60 people, 12 posts) as it looks mid-meeting: the 竞岗演讲 draw made with a seed,
the first five speakers' scores confirmed, the sixth entered, the seventh half scored and the rest
not yet; the 其他行政编制人员 voting by paper ballots (唱票, 150 of them keyed so far) while the
other groups were typed in count mode. 结果 is shown twice: on that store, where 综合考评与人选 is not
published (the wall says so), and on a second demo whose every stage up to it was published; on that one
also the 封签 scene (the last publication's 摘要码) and 结果 after an unlock withdrew it (已撤回). The long
lists show their first page and, for 唱票, the second one too.

    python scripts/projector_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.core.ballots import Mark  # noqa: E402
from app.demo import generate_campaign  # noqa: E402
from app.services import ballots, draws, projector, scores, stages  # noqa: E402
from app.services.campaign_io import import_campaign  # noqa: E402
from app.services.store import Store  # noqa: E402
from app.ui.app import configure_application  # noqa: E402
from app.ui.projector_scenes import paginate, render_image  # noqa: E402

SIZES = ((1920, 1080), (1024, 768))
SEED = "20261123"
BALLOTS = 150


def mid_meeting_store(path: Path) -> Store:
    """The demo, with the staff group's recommendations to come from paper ballots."""
    doc = generate_campaign(people=60, posts=12, seed=1)
    staff = {(c["person"], c["post"]): c["staff"] for c in doc["recommendation"]["counts"]}
    for c in doc["recommendation"]["counts"]:
        c["staff"] = 0                     # typed as nothing: this group is counted by 唱票
    store = Store.create(path, title=doc["title"], unit="演示局", supervisor_password="jd2026", operator="王敏")
    import_campaign(store, json.loads(json.dumps(doc, ensure_ascii=False)))
    draws.program_draw(store, draws.SPEECH_MEETING, SEED)

    # 竞岗演讲: five speakers confirmed, the sixth entered, the seventh half scored, the rest not yet.
    order = draws.speaking_order(store)
    judges = [j.id for j in scores.list_judges(store)]
    scores.confirm(store, [("speech_scores", (pid, j)) for pid in order[:5] for j in judges])
    for pid in order[6:]:
        for j in (judges[len(judges) // 2:] if pid == order[6] else judges):
            scores.clear_speech_score(store, pid, j)

    # 唱票: ballots of the staff group, drawn to follow the demo's own staff counts.
    present = doc["recommendation"]["present"]["staff"]
    r = random.Random(7)
    by_person: dict[str, list[tuple[str, int]]] = {}
    for (pid, post), n in staff.items():
        by_person.setdefault(pid, []).append((post, n))
    declared = {p["id"]: p["declarations"][-1] for p in doc["people"] if "declarations" in p}
    for _ in range(BALLOTS):
        marks = {}
        for pid, options in by_person.items():
            x = r.randrange(present)
            for post, n in options:
                if x < n:
                    marks[pid] = Mark("agree" if post in declared[pid] else "suggest", post)
                    break
                x -= n
        ballots.save_ballot(store, "staff", marks)
    return store


def published_store(path: Path) -> Store:
    doc = generate_campaign(people=60, posts=12, seed=1)
    store = Store.create(path, title=doc["title"], unit="演示局", supervisor_password="jd2026", operator="王敏")
    import_campaign(store, json.loads(json.dumps(doc, ensure_ascii=False)))
    draws.program_draw(store, draws.SPEECH_MEETING, SEED)
    stages.publish_through(store, "assignment", "jd2026")
    return store


def shoot(store: Store, scene: str, slug: str, out: Path, *, speaker: int = 0,
          pages: tuple[int, ...] = (0,)) -> list[Path]:
    projector.set_projector_scene(store, scene, speaker=speaker)
    state = projector.projector_state(store)
    data = projector.build_scene(store, state)
    written = []
    for page in pages:
        if page >= len(paginate(data)):
            continue
        for w, h in SIZES:
            suffix = "" if page == 0 else f"-page{page + 1}"
            path = out / f"projector-{slug}{suffix}-{w}x{h}.png"
            render_image(data, state, w, h, page).save(str(path))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    configure_application(app)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = mid_meeting_store(Path(tmp) / "mid.db")
        written += shoot(store, projector.DRAW, "draw", out)
        written += shoot(store, projector.SPEAKER, "speaker", out, speaker=6)
        written += shoot(store, projector.SCORING, "scoring", out, pages=(0, 1))
        written += shoot(store, projector.TALLY, "tally", out, pages=(0, 1))
        written += shoot(store, projector.RESULTS, "results-unpublished", out)
        store.close()
        done = published_store(Path(tmp) / "published.db")
        written += shoot(done, projector.RESULTS, "results", out, pages=(0, 1))
        written += shoot(done, projector.SEAL, "seal", out)            # the 摘要码 of the last publication
        stages.unlock(done, "speech", "jd2026", "评委录入错误")              # 综合考评与人选 withdrawn (已撤回)
        written += shoot(done, projector.RESULTS, "results-withdrawn", out)
        done.close()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
