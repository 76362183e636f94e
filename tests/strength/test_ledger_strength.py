"""Strength, circles, agenda, done/snooze, value and calibration through the Ledger.

Both backends. The ledger's clock is fixed at 2026-11-22 12:00 UTC (``NOW``).
Expected numbers cite MODEL.md where they come from it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dunbar import Ledger
from dunbar.errors import DunbarError, FormatError, NotFoundError, ValidationError
from dunbar.facade.calibration import read_ratings
from dunbar.strength import Episode, score_tie

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def ago(days: int, hour: int = 12) -> str:
    return (NOW - dt.timedelta(days=days)).replace(hour=hour).isoformat()


# --- empty and near-empty ledgers ------------------------------------------------------


def test_a_ledger_with_only_me_has_an_explained_empty_agenda(ledger: Ledger) -> None:
    agenda = ledger.agenda()
    assert agenda.items == []
    assert agenda.notes and "nobody in it but you" in agenda.notes[0]
    circles = ledger.circles()
    assert [len(layer.members) for layer in circles.layers] == [0] * 6
    assert ledger.value().sought_ratio is None


def test_a_person_with_no_history_is_unknown_not_an_error(ledger: Ledger) -> None:
    ledger.add_person("Ana")
    report = ledger.tie("Ana")
    assert (report.strength.score, report.strength.status) == (None, "unknown")
    assert report.explanation[0].startswith("nothing to go on yet")
    agenda = ledger.agenda()
    assert agenda.items == [] and "no encounters are logged yet" in agenda.notes[0]
    assert ledger.circles().unknown == 1


def test_strength_of_me_is_refused(ledger: Ledger) -> None:
    with pytest.raises(ValidationError, match="that is you"):
        ledger.tie("me")


# --- one tie, explained ----------------------------------------------------------------


def test_tie_matches_score_tie_on_the_same_episodes(ledger: Ledger) -> None:
    # MODEL.md §1.3 T2: 12 outbound calls at 10 + 30k days ago, known since 2022-01-01.
    bo = ledger.add_person("Bo", first_known="2022-01-01").id
    for k in range(12):
        ledger.log("call", with_=[bo], when=ago(10 + 30 * k), channel="call", initiative="out")
    report = ledger.tie(bo)
    expected = score_tie(
        [Episode(TODAY - dt.timedelta(days=10 + 30 * k), "call", "out") for k in range(12)],
        now=TODAY,
        first_known=dt.date(2022, 1, 1),
    )
    assert report.strength.score == pytest.approx(expected.score, abs=1e-12)
    assert report.strength.parts == pytest.approx(expected.parts)
    assert "you reached out 12 of the last 12 times" in report.explanation
    board = ledger.scoreboard()
    assert board.ties[bo].score == pytest.approx(expected.score, abs=1e-9)


# --- circles ---------------------------------------------------------------------------


def _crowd(ledger: Ledger, n: int) -> list[int]:
    """``n`` people with distinct strengths: person k met in person every k days."""
    ids = []
    for k in range(1, n + 1):
        pid = ledger.add_person(f"Person {k:03d}").id
        ids.append(pid)
        ledger.log("met", with_=[pid], when=ago(k), channel="in-person")
    return ids


def test_circles_layer_sizes_and_pins(ledger: Ledger) -> None:
    # MODEL.md §2 test: 200 contacts with distinct S give layers 5/10/35/100/50.
    ids = _crowd(ledger, 200)
    circles = ledger.circles()
    assert [len(layer.members) for layer in circles.layers] == [5, 10, 35, 100, 50, 0]
    assert [layer.cadence_days for layer in circles.layers] == [7, 30, 182, 365, None, None]
    # The most recent contact ranks first.
    assert circles.layers[0].members[0].person_id == ids[0]
    # A declared closeness of 7 pins the weakest tie into L5 (MODEL.md §2 pins).
    ledger.edit_person(ids[-1], _fields(closeness=7))
    inner = ledger.circles().layers[0].members
    assert ids[-1] in [m.person_id for m in inner]
    assert next(m for m in inner if m.person_id == ids[-1]).pinned


def _fields(**values: object) -> object:
    from dunbar.store.people import PersonFields

    return PersonFields(**values)  # type: ignore[arg-type]


# --- the agenda ------------------------------------------------------------------------


def test_fading_items_are_ranked_explained_and_cleared_by_logging(ledger: Ledger) -> None:
    ana = ledger.add_person("Ana", closeness=7).id  # pinned to L5: weekly cadence
    bo = ledger.add_person("Bo", closeness=6).id  # L15: monthly
    for k in range(10):
        ledger.log("lunch", with_=[ana], when=ago(21 + 7 * k), channel="in-person", minutes=60)
        ledger.log("call", with_=[bo], when=ago(45 + 7 * k), channel="call")
    fading = ledger.agenda().sections["fading"]
    assert [i.person_id for i in fading] == [ana, bo]
    assert fading[0].reason == (
        "Ana: last real contact 21 days ago; the L5 cadence is every 7 days, so 3.0× overdue"
    )
    assert any("last in-person meeting 21 days ago" in d for d in fading[0].details)
    ledger.log("coffee", with_=[ana], channel="in-person", when=ago(0, hour=9))
    assert [i.person_id for i in ledger.agenda().sections["fading"]] == [bo]


def test_dormant_ties_worth_reviving(ledger: Ledger) -> None:
    # MODEL.md §1.3 T3 shape: 40 alternating emails ending 1,115 days ago, q = 5.
    old = ledger.add_person("Old Friend", closeness=5, first_known="2012-06-01").id
    for k in range(40):
        ledger.log(
            "email",
            with_=[old],
            when=ago(1115 + 14 * k),
            channel="email",
            initiative="out" if k % 2 == 0 else "in",
        )
    recent = ledger.add_person("Recent").id
    ledger.log("coffee", with_=[recent], when=ago(2))
    dormant = ledger.agenda().sections["dormant"]
    assert [i.person_id for i in dormant] == [old]
    # MODEL.md §3 test: Engagement 0.8, Novelty 0.7531, score 0.6025 (J = 0, 1,115 days).
    assert dormant[0].priority == pytest.approx(0.6025, abs=1e-4)
    assert "out of touch for 3.1 years" in dormant[0].reason
    assert not [i for i in ledger.agenda().sections["fading"] if i.person_id == old]


def test_dormant_list_is_diversified_across_organisations(ledger: Ledger) -> None:
    for i in range(4):
        for org in ("Acme", "Globex"):
            pid = ledger.add_person(f"{org} {i}", organisation=org, closeness=5).id
            # Acme people score a little higher, so plain ranking would list them first.
            days = 1200 + i * 10 + (0 if org == "Acme" else 5)
            ledger.log("met", with_=[pid], when=ago(days), channel="in-person")
    dormant = ledger.agenda(limit=4).sections["dormant"]
    orgs = [item.reason.split("(")[1].split(")")[0] for item in dormant]
    assert sorted(orgs[:2]) == ["Acme", "Globex"]


def test_follow_ups_favours_and_occasions(ledger: Ledger) -> None:
    ana = ledger.add_person("Ana", birthday="--11-25").id
    bo = ledger.add_person("Bo", needs=["a designer"]).id
    ledger.add_follow_up(ana, due="2026-11-20", reason="Send the slides")
    ledger.add_favour(
        "me", ana, "an intro to a lawyer", kind="intro", on="2026-11-01", status="promised"
    )
    ledger.add_favour(bo, "me", "feedback on my deck", kind="advice", on="2026-11-10")
    agenda = ledger.agenda()
    assert [i.reason for i in agenda.sections["follow_up"]] == [
        "follow up with Ana: Send the slides; 2 days overdue"
    ]
    assert [i.reason for i in agenda.sections["favour"]] == [
        "you offered to help Ana with an intro to a lawyer (intro), 21 days ago",
        "Bo helped you with feedback on my deck, 12 days ago; they are looking for a designer",
    ]
    assert [i.reason for i in agenda.sections["occasion"]] == [
        "Ana's birthday is in 3 days, Wednesday 25 November"
    ]
    # Any contact with Ana after the follow-up was written clears it.
    ledger.log("email", with_=[ana], channel="email", when=ago(0, hour=10))
    assert ledger.agenda().sections["follow_up"] == []


def test_done_and_snooze(db_target: str) -> None:
    moment = [NOW]
    ledger = Ledger.open(db_target, clock=lambda: moment[0])
    try:
        ana = ledger.add_person("Ana", closeness=6).id
        ledger.log("lunch", with_=[ana], when=ago(90))
        ledger.add_follow_up(ana, due="2026-11-21", reason="Call back")
        assert {i.kind for i in ledger.agenda().items} == {"fading", "follow_up"}
        result = ledger.done("Ana")
        assert result["follow_ups_completed"] == 1
        # Ana is the only tie, so rank 1: L5, a weekly cadence.
        assert result["hidden_until"]["fading"] == "2026-11-29"
        agenda = ledger.agenda()
        assert agenda.items == [] and agenda.hidden == 1
        moment[0] = NOW + dt.timedelta(days=8)  # the mark has run out
        assert [i.kind for i in ledger.agenda().items] == ["fading"]
        ledger.snooze("Ana", days=10)
        assert ledger.agenda().items == []
        moment[0] = NOW + dt.timedelta(days=19)
        assert [i.kind for i in ledger.agenda().items] == ["fading"]
    finally:
        ledger.close()


def test_done_takes_the_cadence_from_a_board_of_its_day_only(ledger: Ledger) -> None:
    """Ledger.done(board=): the web app passes its cached scoreboard."""
    ana = ledger.add_person("Ana", closeness=6).id
    ledger.log("lunch", with_=[ana], when=ago(90))
    board = ledger.scoreboard()
    calls: list[object] = []
    real = ledger.scoreboard
    ledger.scoreboard = lambda **kw: calls.append(kw) or real(**kw)  # type: ignore[method-assign]
    try:
        # Ana is the only tie, so rank 1: L5, a weekly cadence (as without a board).
        assert ledger.done(ana, board=board)["hidden_until"]["fading"] == "2026-11-29"
        assert calls == []
        ledger.done(ana, today="2026-11-15", board=board)  # another day: made afresh
        assert calls == [{"today": dt.date(2026, 11, 15)}]
    finally:
        del ledger.scoreboard


def test_done_kind_favour_marks_my_promises_done(ledger: Ledger) -> None:
    ana = ledger.add_person("Ana").id
    f = ledger.add_favour("me", ana, "a reference letter", on="2026-11-01", status="promised")
    assert ledger.done(ana, kind="favour")["favours_done"] == 1
    assert ledger.profile(ana).favours[0].status.value == "done"
    assert f.id == ledger.profile(ana).favours[0].id


def test_agenda_is_reproducible_with_today(ledger: Ledger) -> None:
    ana = ledger.add_person("Ana", closeness=7).id
    ledger.log("lunch", with_=[ana], when=ago(10))
    first = ledger.agenda(today="2026-11-15")
    # On 15 November the lunch was 3 days old: not yet overdue for a weekly cadence.
    assert first.sections["fading"] == []
    again = ledger.agenda(today="2026-11-15")
    assert [i.reason for i in again.items] == [i.reason for i in first.items]
    assert ledger.agenda().sections["fading"][0].person_id == ana


def test_agenda_reuses_a_board_of_its_day_only(ledger: Ledger) -> None:
    """Ledger.agenda(board=): the web app passes its cached scoreboard."""
    ana = ledger.add_person("Ana", closeness=7).id
    ledger.log("lunch", with_=[ana], when=ago(10))
    today = ledger.scoreboard()
    reasons = [i.reason for i in ledger.agenda().items]
    assert [i.reason for i in ledger.agenda(board=today).items] == reasons
    # A board of another day is not used: the agenda of 15 November is made afresh.
    old = ledger.agenda(today="2026-11-15", board=today)
    assert old.today == dt.date(2026, 11, 15) and old.sections["fading"] == []
    # The board given is the one scored from: after a call today, the fresh agenda
    # no longer has Ana fading, the earlier board still does (keeping it current is
    # the caller's job).
    assert ledger.agenda(board=today).sections["fading"][0].person_id == ana
    ledger.log("call", with_=[ana], channel="call")
    assert ledger.agenda().sections["fading"] == []
    assert ledger.agenda(board=today).sections["fading"][0].person_id == ana


def _same_board(a: object, b: object) -> None:
    import numpy as np

    assert a.today == b.today  # type: ignore[attr-defined]
    for name in ("person", "score", "status", "episodes", "last_episode_days", "days_known"):
        np.testing.assert_allclose(
            getattr(a.scores, name),
            getattr(b.scores, name),
            rtol=0,
            atol=1e-12,  # type: ignore[attr-defined]
        )
    for name in ("person", "rank", "layer", "overdue"):
        np.testing.assert_array_equal(getattr(a.circles, name), getattr(b.circles, name))  # type: ignore[attr-defined]
    np.testing.assert_allclose(a.peak, b.peak, rtol=0, atol=1e-12)  # type: ignore[attr-defined]


def test_rescored_board_and_reindexed_people_equal_new_ones(ledger: Ledger) -> None:
    """Ledger.rescored / reindexed: the web app folds its own write into the cached
    board and people index for the people it touched; the result must be what a new
    scoreboard and index of the ledger give."""
    import numpy as np

    from dunbar.store.people import PersonFields

    crowd = _crowd(ledger, 30)
    board = ledger.scoreboard()
    index = ledger.people_index(board=board)
    target = crowd[-1]  # the weakest tie: a call and a new closeness move its rank
    ledger.log("call", with_=[target], channel="call")
    ledger.log("lunch", with_=[target, crowd[3]], when=ago(2))
    ledger.edit_person(target, PersonFields(closeness=7))
    folded = ledger.rescored(board, [target, crowd[3]])
    assert folded is not None and folded is not board
    fresh = ledger.scoreboard()
    _same_board(folded, fresh)
    assert folded.placement(target).rank != board.placement(target).rank
    assert folded.contacts[target].closeness == 7
    again = ledger.reindexed(index, folded, [target, crowd[3]])
    new = ledger.people_index(board=fresh)
    assert again is not None
    np.testing.assert_array_equal(again.person, new.person)
    np.testing.assert_allclose(again.score, new.score, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(again.layer, new.layer)
    np.testing.assert_allclose(again.last_seen, new.last_seen, rtol=0, atol=1e-6)
    assert not np.allclose(again.last_seen, index.last_seen, equal_nan=True)
    # The board it was given is left as it was.
    assert board.contacts[target].closeness != 7


def test_rescored_and_reindexed_refuse_people_they_do_not_know(ledger: Ledger) -> None:
    ana = ledger.add_person("Ana").id
    board = ledger.scoreboard()
    index = ledger.people_index(board=board)
    newcomer = ledger.add_person("Newcomer").id
    assert ledger.rescored(board, [newcomer]) is None
    assert ledger.reindexed(index, board, [newcomer]) is None
    assert ledger.rescored(board, []) is board
    ledger.forget(ana)
    assert ledger.rescored(board, [ana]) is None  # forgotten since


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"today": "2027-01-01"}, ValidationError, "in the future"),
        ({"today": "yesterdayish"}, ValidationError, "today"),
        ({"kinds": ["gossip"]}, ValidationError, "unknown agenda section 'gossip'"),
        ({"limit": 0}, ValidationError, "limit must be at least 1"),
    ],
)
def test_agenda_bad_input(
    ledger: Ledger, kwargs: dict[str, object], error: type[DunbarError], message: str
) -> None:
    with pytest.raises(error, match=message):
        ledger.agenda(**kwargs)  # type: ignore[arg-type]


def test_done_and_snooze_bad_input(ledger: Ledger) -> None:
    ledger.add_person("Ana")
    with pytest.raises(ValidationError, match="unknown agenda section"):
        ledger.done("Ana", kind="everything")
    with pytest.raises(ValidationError, match="snooze for 1 to 3650 days"):
        ledger.snooze("Ana", days=0)
    with pytest.raises(NotFoundError):
        ledger.done("Nobody Atall")
    with pytest.raises(ValidationError, match="that is you"):
        ledger.snooze("me")


# --- parameters ------------------------------------------------------------------------


def test_parameters_are_stored_per_ledger(ledger: Ledger) -> None:
    assert ledger.strength_params().h_rec == 90
    changed = ledger.set_strength_params({"h_rec": 60, "weights": {"recency": 0.4}})
    assert (changed.h_rec, changed.weights.recency, changed.weights.closeness) == (60, 0.4, 0.3)
    assert ledger.strength_params() == changed
    with pytest.raises(ValidationError, match="h_act must be positive"):
        ledger.set_strength_params({"h_act": -1})
    with pytest.raises(ValidationError, match="unknown"):
        ledger.set_strength_params({"colour": "blue"})
    assert ledger.strength_params() == changed  # a refused change changes nothing
    assert ledger.reset_strength_params().h_rec == 90


# --- value -----------------------------------------------------------------------------


def test_value_report(ledger: Ledger) -> None:
    ana = ledger.add_person("Ana", needs=["a rust mentor"]).id
    bo = ledger.add_person("Bo").id
    ledger.edit_person("me", labels={_offer(): ["rust mentoring"]})
    # MODEL.md §7 test: i = 8, o = 2 gives ι = 0.75.
    for k in range(8):
        ledger.log("question", with_=[ana], when=ago(3 + k), channel="message", initiative="in")
    for k in range(2):
        ledger.log("reply", with_=[ana], when=ago(20 + k), channel="message", initiative="out")
    for k in range(3):
        ledger.log("ping", with_=[bo], when=ago(30 + k), channel="email", initiative="out")
    ledger.add_favour("me", ana, "code review", kind="advice", on="2026-11-01")
    ledger.add_favour("me", bo, "an intro", kind="intro", on="2026-11-02", status="asked")
    ledger.add_favour(bo, "me", "a ride", on="2026-11-05")
    report = ledger.value()
    assert report.seekers[0].name == "Ana" and report.seekers[0].share == pytest.approx(0.75)
    assert report.sought[0].name == "Bo"
    assert report.sought_ratio == pytest.approx(8 / 13)
    assert report.profile == {"advice": 0.5, "intro": 0.5}
    assert report.demand_breadth == 2
    assert report.given == {"done": 1, "asked": 1} and report.received == {"done": 1}
    assert report.opportunities[0] == "Bo helped you with a ride"
    assert "Ana is looking for a rust mentor: you offer rust mentoring" in report.opportunities


def _offer() -> object:
    from dunbar.model import LabelKind

    return LabelKind.OFFER


# --- calibration -----------------------------------------------------------------------


def test_calibration_recovers_ratings_made_by_known_parameters(ledger: Ledger) -> None:
    ids = _crowd(ledger, 30)
    # Ratings produced by a model that weighs recency only and forgets fast.
    truth = ledger.strength_params().with_changes(h_rec=30.0)
    ratings = {}
    for k, pid in enumerate(ids, start=1):
        ratings[pid] = 2.0 ** (-k / truth.h_rec)
    report = ledger.calibrate(ratings, apply=True)
    assert report.adopted
    assert report.mae_loo < report.mae_before
    assert report.fitted.h_rec == 30.0
    assert ledger.strength_params() == report.after == report.fitted


def test_calibration_keeps_the_defaults_when_the_fit_is_not_better(ledger: Ledger) -> None:
    ids = _crowd(ledger, 20)
    board = ledger.scoreboard()
    # The user's ratings are the current scores themselves: nothing to gain.
    ratings = {pid: board.ties[pid].score or 0.0 for pid in ids}
    report = ledger.calibrate(ratings)
    assert not report.adopted
    assert report.mae_before == pytest.approx(0.0, abs=1e-9)
    assert ledger.strength_params() == report.before


def test_calibration_needs_enough_valid_ratings(ledger: Ledger) -> None:
    ids = _crowd(ledger, 6)
    with pytest.raises(ValidationError, match="at least 5 ratings"):
        ledger.calibrate({ids[0]: 0.5})
    with pytest.raises(ValidationError, match="not between 0 and 1"):
        ledger.calibrate(dict.fromkeys(ids, 1.5))
    with pytest.raises(ValidationError, match="rate your ties to others"):
        ledger.calibrate({"me": 1.0})


def test_calibration_sample_spans_the_range_and_is_seeded(ledger: Ledger) -> None:
    _crowd(ledger, 60)
    a = ledger.calibration_sample(20, seed=7)
    assert [e.person_id for e in a] == [e.person_id for e in ledger.calibration_sample(20, seed=7)]
    scores = sorted(e.score or 0 for e in a)
    everyone = sorted(t.score or 0 for t in ledger.scoreboard().ties.values())
    assert len(a) == 20 and scores[0] <= everyone[3] and scores[-1] >= everyone[-4]


def test_ratings_files(tmp_path: Path) -> None:
    csv_file = tmp_path / "r.csv"
    csv_file.write_text("person,name,rating\n12,Ana,0.8\n13,Bo,\nana@example.com,Ana,70%\n")
    assert read_ratings(csv_file) == [("12", 0.8), ("ana@example.com", 0.7)]
    bare = tmp_path / "bare.csv"
    bare.write_text("Ana,0.2\nBo,1\n")
    assert read_ratings(bare) == [("Ana", 0.2), ("Bo", 1.0)]
    js = tmp_path / "r.json"
    js.write_text(json.dumps({"Ana": 0.5, "Bo": None}))
    assert read_ratings(js) == [("Ana", 0.5)]
    bad = tmp_path / "bad.csv"
    bad.write_text("person,rating\nAna,lots\n")
    with pytest.raises(ValidationError, match=r"bad\.csv:2: rating 'lots' is not a number"):
        read_ratings(bad)
    broken = tmp_path / "broken.json"
    broken.write_text("{nope")
    with pytest.raises(FormatError, match="not valid JSON"):
        read_ratings(broken)
    with pytest.raises(FormatError, match="cannot read ratings"):
        read_ratings(tmp_path / "missing.csv")


def test_the_first_fading_items_are_exact_without_computing_every_peak(ledger: Ledger) -> None:
    # The queue is computed best first and stops early (see StrengthMixin._fading):
    # its first items must be those of the full, exact computation.
    import random

    rng = random.Random(11)
    for k in range(150):
        pid = ledger.add_person(f"P{k:03d}", closeness=rng.choice([None, None, 3, 5, 6])).id
        for _ in range(rng.randint(1, 6)):
            ledger.log(
                "met",
                with_=[pid],
                when=ago(rng.randint(20, 900)),
                channel=rng.choice(["in-person", "call", "email", "message"]),
                minutes=rng.choice([None, 10, 60]),
            )
    full = [
        (i.person_id, round(i.priority, 12)) for i in ledger.agenda(limit=None).sections["fading"]
    ]
    assert len(full) > 70  # more than one batch of peaks
    for limit in (1, 3, 10):
        top = ledger.agenda(limit=limit).sections["fading"]
        assert [(i.person_id, round(i.priority, 12)) for i in top] == full[:limit]
