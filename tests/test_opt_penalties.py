"""Each soft term S1..S13 on a fixed hand-made assignment: given these facts, it penalises N (no solve).

The practice (one week from Mon 2 March 2026, no bank holiday): A 100 %, B 50 % (cannot work
Fridays, pinned on Monday), C 100 % (at most 3 a week); salaried S works Mon and Tue. Minimum
doctors Mon 3, Tue-Thu 2, Fri 0. Trainer requirements: A on Tuesdays, B or C on Thursdays, B on
Fridays; A and B are an affinity pair. The assignment: A Mon-Thu, B Mon (pin) and Wed, C Tue-Thu.

Hand computation (tenths of a shift): targets 3.5 x WTE -> A 35, B 17.5 -> 18, C 35; WTE-weeks
100, 50, 100 (sum 250); group rate 8.75 / 250 per %-week -> fair shares 35, 18, 35; weekly S5
targets the same. Actual: A 40, B 20, C 30. Day totals: Mon 3, Tue 3, Wed 3, Thu 2, Fri 0.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from rotacc_lab.domain import AffinityPair, TrainerRequirement, Weekday
from rotacc_lab.generation.optimisation.encoding import build_encoding
from rotacc_lab.generation.optimisation.penalties import PENALTIES, evaluate, objective_value

from _opt_helpers import MONDAY, partner, practice, salaried, shift, weekdays, weights

MON, TUE, WED, THU, FRI = weekdays(MONDAY)
X = {("A", d): 1 for d in (MON, TUE, WED, THU)} | {("B", MON): 1, ("B", WED): 1} | {("C", d): 1 for d in (TUE, WED, THU)}


@pytest.fixture(scope="module")
def enc():
    people = [partner("A"), partner("B", 50, cannot=[Weekday.FRI]), partner("C", maximum=3),
              salaried("S", [Weekday.MON, Weekday.TUE])]
    snap = practice(
        people,
        mins={Weekday.MON: 3, Weekday.TUE: 2, Weekday.WED: 2, Weekday.THU: 2, Weekday.FRI: 0},
        shifts=[shift("S", MON), shift("S", TUE), shift("B", MON, pinned=True)],
        trainers=[TrainerRequirement("TR1", Weekday.TUE, ("A",)), TrainerRequirement("TR2", Weekday.THU, ("B", "C")),
                  TrainerRequirement("TR3", Weekday.FRI, ("B",))],
        affinity=[AffinityPair("A", "B")],
    )
    return build_encoding(snap, MONDAY, MONDAY + timedelta(days=6), {(s.clinician_id, s.date): s for s in snap.shifts})


def _items(enc, term):
    return {i.name: i.value for i in evaluate(enc, X, [term])[term]}


def _nonzero(enc, term):
    return {k: v for k, v in _items(enc, term).items() if v}


def test_the_facts_behind_the_hand_computation(enc):
    info = enc.partner_info
    assert [info[c].target_tenths for c in "ABC"] == [35, 18, 35]
    assert [info[c].fair_tenths for c in "ABC"] == [35, 18, 35]
    assert [info[c].wte_weeks for c in "ABC"] == [100, 50, 100]
    assert enc.cells[("B", MON)].pinned and enc.fixed_cover == {MON: 1, TUE: 1, WED: 0, THU: 0, FRI: 0}


def test_s1_pairwise_wte_fairness(enc):
    # equivalency floor(actual x 83 / WTE-weeks), 83 = round(250 / 3): A 33, B 33, C 24
    assert _items(enc, "S1") == {"S1_gap[A,B]": 0, "S1_gap[A,C]": 9, "S1_gap[B,C]": 9}


def test_s2_monday_fairness(enc):
    # Monday equivalency round(Mondays x 83 / WTE-Mondays): A 1 (100), B 2 (50), C 0; one Monday is tolerated
    assert _items(enc, "S2") == {"S2_gap[A,B]": 0, "S2_gap[A,C]": 0, "S2_gap[B,C]": 1}


def test_s3_trainer_requirement(enc):
    # TR1: A works Tue; TR2: C works Thu; TR3: B cannot work Fridays, so the Friday has no trainer
    assert _items(enc, "S3") == {"S3_trainer_absent[TR1,2026-03-03]": 0, "S3_trainer_absent[TR2,2026-03-05]": 0,
                                 "S3_trainer_absent[TR3,2026-03-06]": 1}


def test_s4_affinity(enc):
    # both can work Mon-Thu (B not Fri): apart on Tue and Thu
    assert _nonzero(enc, "S4") == {"S4_apart[A,B,2026-03-03]": 1, "S4_apart[A,B,2026-03-05]": 1}
    assert len(_items(enc, "S4")) == 4


def test_s5_weekly_evenness(enc):
    assert _items(enc, "S5") == {"S5_week_dev[A,2026-03-02]": 5, "S5_week_dev[B,2026-03-02]": 2,
                                 "S5_week_dev[C,2026-03-02]": 5}


def test_s6_day_of_week_spread(enc):
    # |allowed weekdays x count on the weekday - total|: A 1+1+1+1+4, B (4 weekdays) 2+2+2+2, C 3+2+2+2+3
    items = _items(enc, "S6")
    assert sum(v for k, v in items.items() if "[A," in k) == 8
    assert sum(v for k, v in items.items() if "[B," in k) == 8 and "S6_spread[B,Fri]" not in items
    assert sum(v for k, v in items.items() if "[C," in k) == 12


def test_s7_target_deviation(enc):
    assert _items(enc, "S7") == {"S7_target_dev[A]": 5, "S7_target_dev[B]": 2, "S7_target_dev[C]": 5}


def test_s8_and_s9_staffing_gaps_on_a_seven_doctor_monday():
    # minimum 7: floor 5, severe below 6; five doctors -> S8 1 (capped at the moderate zone), S9 1
    snap = practice([partner(c) for c in "ABCDEFG"], mins={d: 0 for d in Weekday} | {Weekday.MON: 7})
    enc7 = build_encoding(snap, MONDAY, MONDAY + timedelta(days=6), {})
    for n, s8, s9 in ((5, 1, 1), (6, 1, 0), (7, 0, 0)):
        x = {(c, MON): 1 for c in "ABCDEFG"[:n]}
        got = evaluate(enc7, x, ["S8", "S9"])
        assert {i.name: i.value for i in got["S8"]}["S8[2026-03-02]"] == s8
        assert {i.name: i.value for i in got["S9"]}["S9[2026-03-02]"] == s9


def test_s8_and_s9_are_zero_when_the_minimum_is_met(enc):
    assert _nonzero(enc, "S8") == {} and _nonzero(enc, "S9") == {}


def test_s10_exponential_fairness(enc):
    # differences of 9 tenths stay in the first bucket (one shift wide, 1 per tenth)
    assert _items(enc, "S10") == {"S10_gap[A,B]": 0, "S10_gap[A,C]": 9, "S10_gap[B,C]": 9}


def test_s11_report_fairness(enc):
    assert _items(enc, "S11") == {"S11_fair_dev[A]": 5, "S11_fair_dev[B]": 2, "S11_fair_dev[C]": 5}


def test_s12_exponential_report_fairness(enc):
    # A 15 tenths above its fair share: 10 in the first bucket, 5 in the second (2 each) = 20
    x = X | {("A", FRI): 1}
    assert {i.name: i.value for i in evaluate(enc, x, ["S12"])["S12"]} == {
        "S12_fair_exp[A]": 20, "S12_fair_exp[B]": 2, "S12_fair_exp[C]": 5}


def test_s13_progressive_overstaffing(enc):
    # one doctor above the minimum on Tue (3 of 2) and Wed (3 of 2)
    assert _nonzero(enc, "S13") == {"S13[2026-03-03]": 1, "S13[2026-03-04]": 1}
    # a third doctor above on a day costs 1 + 2 + 3
    x = X | {("B", TUE): 1}
    assert {i.name: i.value for i in evaluate(enc, x, ["S13"])["S13"]}["S13[2026-03-03]"] == 3


def test_the_objective_is_the_weighted_sum_and_blocked_cells_count_zero(enc):
    w = weights(S1=1, S2=100, S3=100, S4=20, S5=50, S7=1000, S11=500, S12=100, S13=3)
    expected = 18 + 100 * 1 + 100 * 1 + 20 * 2 + 50 * 12 + 1000 * 12 + 500 * 12 + 100 * 12 + 3 * 2
    assert objective_value(enc, X, w) == expected
    # B on a Friday is blocked (cannot work): it counts as 0, and the pin counts as worked whatever x says
    assert objective_value(enc, X | {("B", FRI): 1, ("B", MON): 0}, w) == expected
    assert set(PENALTIES) == {f"S{i}" for i in range(1, 14)}
