"""Each soft term, alone, moves a tiny rota to the optimum known by hand."""

from __future__ import annotations

from datetime import timedelta

from rotacc_lab.domain import AffinityPair, TrainerRequirement, Weekday
from rotacc_lab.generation.optimisation.objectives import convex_lines, exponential_cost

from _opt_helpers import MONDAY, count, partner, practice, run, salaried, shift, weights, weekdays, works

WEEK = weekdays(MONDAY)
TWO_WEEKS = weekdays(MONDAY, 2)


def _optimal(res) -> None:
    assert res.feasible and res.report.status == "OPTIMAL", res.report


def test_exponential_cost_matches_the_reference_examples():
    # one clinician 7 shifts above costs 1+2+...+64 = 127; seven clinicians 1 above cost 7
    assert exponential_cost(7, 1, 8) == 127
    assert 7 * exponential_cost(1, 1, 8) == 7
    # in tenths (bucket width 10) the same shape, scaled by 10
    assert exponential_cost(70, 10, 8) == 1270
    assert exponential_cost(-70, 10, 8) == 1270
    # a tolerance band is free
    assert exponential_cost(1, 1, 6, free=1) == 0 and exponential_cost(3, 1, 6, free=1) == 3


def test_convex_lines_reproduce_the_function_at_integers():
    g = lambda n: abs(10 * n - 35)  # noqa: E731
    lines = convex_lines(g, 0, 8)
    assert len(lines) == 3  # merged collinear secants
    for n in range(0, 9):
        assert max(s * n + b for s, b in lines) == g(n)


def test_s1_pairwise_wte_fairness_equalises_counts():
    snap = practice([partner("A"), partner("B")], shifts=[shift("A", d, pinned=True) for d in WEEK[:3]])
    res, after = run(snap, w=weights(S1=1))
    _optimal(res)
    assert count(after, "A", WEEK) == count(after, "B", WEEK) >= 3


def test_s2_monday_fairness_gives_the_other_partner_mondays():
    mondays = [MONDAY + timedelta(days=7 * i) for i in range(3)]
    snap = practice([partner("A"), partner("B")], shifts=[shift("A", d, pinned=True) for d in mondays])
    res, after = run(snap, weeks=3, w=weights(S2=1))
    _optimal(res)
    # one Monday of difference is tolerated, more is not
    assert count(after, "B", mondays) >= 2
    assert res.report.by_term()["penalty"].sum() == 0


def test_s3_trainer_requirement_puts_the_trainer_in():
    snap = practice([partner("A"), partner("B")], trainers=[TrainerRequirement("R1", Weekday.WED, ("A",))])
    res, after = run(snap, weeks=2, w=weights(S3=1))
    _optimal(res)
    assert all(works(after, "A", d) for d in TWO_WEEKS if d.weekday() == 2)


def test_s4_affinity_pairs_work_together():
    snap = practice(
        [partner("A"), partner("B")],
        shifts=[shift("A", WEEK[0], pinned=True), shift("A", WEEK[1], pinned=True)],
        affinity=[AffinityPair("A", "B")],
    )
    res, after = run(snap, w=weights(S4=1))
    _optimal(res)
    assert all(works(after, "A", d) == works(after, "B", d) for d in WEEK)
    assert works(after, "B", WEEK[0]) and works(after, "B", WEEK[1])


def test_s5_weekly_evenness_spreads_the_target_over_weeks():
    # 100 % partner alone: 3.5 shifts a week -> every week 3 or 4, never 0 or 5
    snap = practice([partner("A")])
    res, after = run(snap, weeks=2, w=weights(S5=1))
    _optimal(res)
    for i in range(2):
        assert count(after, "A", TWO_WEEKS[5 * i : 5 * i + 5]) in (3, 4)


def test_s6_day_of_week_spread_matches_the_pinned_mondays():
    days = weekdays(MONDAY, 4)
    snap = practice([partner("A")], shifts=[shift("A", d, pinned=True) for d in days if d.weekday() == 0])
    res, after = run(snap, weeks=4, w=weights(S6=1))
    _optimal(res)
    for wd in range(5):
        assert count(after, "A", [d for d in days if d.weekday() == wd]) == 4


def test_s7_target_deviation_hits_the_wte_target():
    # 50 % for two weeks: target 3.5 shifts
    snap = practice([partner("A", 50)])
    res, after = run(snap, weeks=2, w=weights(S7=1))
    _optimal(res)
    assert count(after, "A", TWO_WEEKS) in (3, 4)
    assert res.report.terms["penalty"].sum() == 5  # |30 or 40 - 35| tenths


def _seven_partners():
    return [partner(c) for c in "ABCDEFG"]


def test_s8_moderate_gap_fills_the_last_doctors():
    # Monday minimum 7: floor ceil(4.62) = 5, severe below ceil(5.88) = 6, moderate zone 6..7
    mins = {d: 0 for d in Weekday} | {Weekday.MON: 7}
    res, after = run(practice(_seven_partners(), mins=mins), w=weights(S8=1))
    _optimal(res)
    assert sum(works(after, c, MONDAY) for c in "ABCDEFG") == 7


def test_s9_severe_gap_lifts_the_day_above_84_percent():
    mins = {d: 0 for d in Weekday} | {Weekday.MON: 7}
    res, after = run(practice(_seven_partners(), mins=mins), w=weights(S9=1))
    _optimal(res)
    assert sum(works(after, c, MONDAY) for c in "ABCDEFG") >= 6


def test_without_staffing_terms_only_the_floor_holds():
    mins = {d: 0 for d in Weekday} | {Weekday.MON: 7}
    res, after = run(practice(_seven_partners(), mins=mins), w=weights(S13=1))
    _optimal(res)
    assert sum(works(after, c, MONDAY) for c in "ABCDEFG") == 5  # H7 floor, and no more (S13)


def test_s10_exponential_fairness_equalises_counts():
    snap = practice([partner("A"), partner("B")], shifts=[shift("A", d, pinned=True) for d in WEEK[:3]])
    res, after = run(snap, w=weights(S10=1))
    _optimal(res)
    assert count(after, "A", WEEK) == count(after, "B", WEEK) >= 3


def _fairness_pair():
    return practice([partner("A", 100), partner("B", 50)])


def test_s11_report_fairness_meets_the_fair_shares():
    # targets 7 and 3.5 over two weeks; WTE-weeks 200 and 100 -> fair shares 7.0 and 3.5
    res, after = run(_fairness_pair(), weeks=2, w=weights(S11=1))
    _optimal(res)
    assert count(after, "A", TWO_WEEKS) == 7
    assert count(after, "B", TWO_WEEKS) in (3, 4)


def test_s12_exponential_report_fairness_meets_the_fair_shares():
    res, after = run(_fairness_pair(), weeks=2, w=weights(S12=1))
    _optimal(res)
    assert count(after, "A", TWO_WEEKS) == 7
    assert count(after, "B", TWO_WEEKS) in (3, 4)


def test_s13_progressive_overstaffing_costs_k_for_the_kth_extra_doctor():
    # minimum 0 everywhere; 3 salaried on Monday (extra 3 -> 1+2+3 = 6),
    # one salaried on Tue, Wed and Thu (extra 1 on three days -> 3)
    people = [salaried("S1", [Weekday.MON]), salaried("S2", [Weekday.MON]),
              salaried("S3", [Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU]), partner("A")]
    fixed = [shift("S1", WEEK[0]), shift("S2", WEEK[0])] + [shift("S3", d) for d in WEEK[:4]]
    res, after = run(practice(people, shifts=fixed), w=weights(S13=1))
    _optimal(res)
    assert count(after, "A", WEEK) == 0  # every extra partner shift would cost more
    assert res.report.by_term()["penalty"].to_list() == [9]
