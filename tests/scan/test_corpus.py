"""The generated corpus (issue 17): its truth is right, and a small stack is read without a silent error."""

import json
import random

import numpy as np
import pytest

from app.scan.corpus import PageTruth, known_layouts, make_ballot, write_corpus
from app.scan.degrade import Scan, expected_rotation, fold_coverage
from app.scan.marks import EITHER, EMPTY, MARKED, MEANT, STYLES, UNMEANT, UNSURE, draw_mark
from app.scan.reader import Reader
from app.scan.scoring import Score, allowed_marks


@pytest.fixture(scope="module")
def small_corpus():
    """Eight ballots (about 15 pages) of seed 3, read page by page."""
    reader, score, reads = Reader(known_layouts(), keep_images=False), Score(), []
    for i in range(8):
        for name, data, truths in make_ballot(3, i):
            for truth, page in zip(truths, reader.read_bytes(name, data)):
                score.add(truth, page)
                reads.append((truth, page))
    return score, reads


def test_a_small_corpus_is_read_without_a_silent_error(small_corpus):
    score, _ = small_corpus
    f = score.figures()
    assert f["pages"] >= 10 and f["read"] >= 8
    assert f["silent_errors"] == 0, f["silent"]
    assert f["doubtful_pct"] <= 2.0
    assert f["missed_rejections"] == 0 and f["unexpected_blank"] == 0
    assert all(row["unexpected"] == 0 for row in f["rejections"].values())


def test_the_truth_says_what_each_mark_style_means():
    box = known_layouts()[0].pages[0].boxes[0]
    rng = random.Random(1)
    for style in STYLES:
        truths = {draw_mark(style, box, 200, rng).truth for _ in range(20)}
        if style in UNMEANT:
            assert truths == {EMPTY}, style
        elif style in UNSURE:
            assert truths == {EITHER}, style
        else:
            assert MARKED in truths and truths <= {MARKED, EITHER}, style
    assert set(MEANT) | set(UNSURE) | set(UNMEANT) == set(STYLES)


def test_a_meant_mark_that_missed_the_box_is_either():
    box = known_layouts()[0].pages[0].boxes[0]
    drawn = [draw_mark("over_edge", box, 200, random.Random(s)) for s in range(300)]
    assert all((d.truth == EITHER) == (d.share < 0.05) for d in drawn)


def test_fold_and_rotation_truths_by_hand():
    # the fiducial square spans 7–13 mm from the corner; a fold of leg L hides the L × L square
    assert fold_coverage(6.5) == 0 and fold_coverage(13) == 1
    assert fold_coverage(10) == pytest.approx(0.25, abs=0.02)          # 3 × 3 of 6 × 6 mm
    fid = np.array([[10, 10], [200, 10], [10, 287], [200, 287]], float)
    page = (1654, 2339)
    assert expected_rotation(Scan(200, rotation=2.0), fid, page) == pytest.approx(2.0, abs=1e-6)
    assert expected_rotation(Scan(200, rotation=-1.0, turn=90), fid, page) == pytest.approx(-1.0, abs=1e-6)


def test_allowed_marks_enumerate_the_either_boxes():
    assert allowed_marks({"agree:P1": MARKED, "suggest:P2": EMPTY}) == {"agree:P1", "doubtful"}
    assert allowed_marks({"agree:P1": MARKED, "suggest:P2": EITHER}) == {"agree:P1", "invalid", "doubtful"}
    assert allowed_marks({"agree:P1": EITHER, "suggest:P2": EMPTY}) == {"agree:P1", "blank", "doubtful"}


def test_the_same_seed_and_index_make_the_same_files():
    one = [(n, d) for n, d, _ in make_ballot(9, 4)]
    two = [(n, d) for n, d, _ in make_ballot(9, 4)]
    assert one == two and len(one) >= 1


def test_a_written_corpus_is_a_folder_the_reader_and_the_truth_agree_on(tmp_path):
    pages = write_corpus(tmp_path, 3, seed=8)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert len(truth["pages"]) == pages and truth["seed"] == 8
    layouts = sorted(tmp_path.glob("layout-*.json"))
    assert [p.name for p in layouts] == ["layout-long.json", "layout-medium.json", "layout-small.json",
                                         "layout-wide.json"]
    from app.scan.__main__ import main
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["read", str(tmp_path), *sum((["--layout", str(p)] for p in layouts), []),
                     "--truth", str(tmp_path / "truth.json")])
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert code == 0 and len(lines) == pages + 1
    assert lines[-1]["silent_errors"] == 0 and lines[-1]["missed_rejections"] == 0
    assert PageTruth(**truth["pages"][0]).name == lines[0]["page"]


def test_the_command_line_refuses_an_unusable_folder_or_layout(tmp_path, capsys):
    from app.scan.__main__ import main
    (tmp_path / "l.json").write_text("{}")
    assert main(["read", str(tmp_path), "--layout", str(tmp_path / "l.json")]) == 2
    assert "版式文件" in capsys.readouterr().err
    layout = tmp_path / "ok.json"
    from app.scan.layout import layout_json
    layout.write_text(json.dumps(layout_json(known_layouts()[0])))
    assert main(["read", str(tmp_path / "nowhere"), "--layout", str(layout)]) == 2
    assert "不是文件夹" in capsys.readouterr().err
