"""The 唱票 screen lists the candidates in the printed 定岗推荐票's order: the clerk reads the paper
top to bottom (speaking order once the 竞岗演讲 draw exists, roster order before)."""

from app.services import draws
from app.services.report_data import sheet_data
from app.ui.tabs.recommendation import RecommendationTab
from app.ui.workbench import Workbench


def screen_order(qtbot, store):
    tab = RecommendationTab(Workbench(store))
    qtbot.addWidget(tab)
    tab.resize(1330, 560)
    tab.show()
    qtbot.waitExposed(tab)
    form = tab.ballot_panel.form
    return tab, [form.data(form.index(r, 1)) for r in range(form.rowCount())], [c[0] for c in form.candidates]


def printed_order(store):
    return [row.person_id for row in sheet_data(store, "定岗推荐票", printed="").rows]


def test_the_ballot_screen_follows_the_printed_ballot_before_and_after_the_speech_draw(qtbot, demo_store):
    _, _, before = screen_order(qtbot, demo_store)
    assert before == printed_order(demo_store)

    draws.program_draw(demo_store, "竞岗演讲", "4711")
    printed = printed_order(demo_store)
    assert printed[:len(draws.speaking_order(demo_store))] == draws.speaking_order(demo_store)
    assert printed != before                                   # the draw did reorder the paper
    tab, names, ids = screen_order(qtbot, demo_store)
    assert ids == printed
    rows = sheet_data(demo_store, "定岗推荐票", printed="").rows
    assert names == [r.name for r in rows]
    # the pair table keeps roster order, as the printed 定岗推荐结果
    persons = list(dict.fromkeys(r.person for r in tab.pair_model.rows()))
    assert persons == before != ids
    tab.grab().save("/tmp/shots/ballot_order.png")
