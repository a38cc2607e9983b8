"""抽签结果 before the draw is recorded (SPEC §5 step 1): the fixed candidate list (names only) with its
digest and “等待监督组公布种子”, so the room sees the digest before the seed is announced; never an id."""

from app.services import draws, projector
from app.ui.projector_scenes import WAITING_FOR_SEED, paginate, render_image, scene_texts

HEX = set("0123456789abcdef ")


def test_the_draw_scene_shows_the_list_and_its_digest_before_the_seed(demo_store, qapp):
    store = demo_store
    ids, digest = draws.fix_list(store, draws.SPEECH_MEETING)
    state = projector.ProjectorState(scene=projector.DRAW, meeting=draws.SPEECH_MEETING)
    data = projector.build_scene(store, state)
    assert not data.recorded and data.list_digest == digest and len(data.lines) == len(ids)
    for size in ((1920, 1080), (1024, 768)):
        texts = scene_texts(data, state, *size)
        hexes = [t for t in texts if set(t) <= HEX]
        assert WAITING_FOR_SEED in texts
        assert "".join(hexes).replace(" ", "") == digest              # shown in groups of 8
        assert {line.name for line in data.lines} <= set(texts)
        others = "\n".join(t for t in texts if t not in hexes)
        assert not [pid for pid in ids if pid in others]              # no id but inside the digest
        assert "种子 " not in others and "复核一致" not in others
    for page in range(len(paginate(data))):
        render_image(data, state, 1920, 1080, page).save(f"/tmp/shots/predraw-{page}.png")

    draws.program_draw(store, draws.SPEECH_MEETING, "4711")
    after = projector.build_scene(store, state)
    assert after.recorded and after.list_digest == digest and after.seed == "4711"
    assert WAITING_FOR_SEED not in scene_texts(after, state)
