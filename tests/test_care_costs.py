"""Cost per home, unit and week (issue 16 item 3): known figures by hand, and every penny accounted for."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings as hsettings

from rotacc_lab.carehomes.costs import MONEY, cost_breakdown, summarise
from rotacc_lab.carehomes.cover import CoverProblem, evaluate_cover, greedy_cover, solve_cover
from rotacc_lab.carehomes.model import Leave, LeaveKind

from test_care_cover import BANK, MONDAY, PERM, one_unit, providers, random_problem, solve, tiny  # noqa: F401 (fixture)


def test_contract_then_bank_by_hand():
    # 7 posts over one week: P's 36 h contract (3 shifts, £504 contracted), 4 bank shifts at £180
    problem, plan, _ = solve(one_unit([PERM, BANK]))
    frame = cost_breakdown(problem, plan)
    assert frame.select("home_id", "unit_id", "week").rows() == [("H", "U", MONDAY)]
    row = frame.row(0, named=True)
    assert (row["contracted"], row["bank"], row["overtime"], row["agency"]) == (36 * 1400, 4 * 180_00, 0, 0)
    assert row["paid"] == 36 * 1400 + 4 * 180_00 == evaluate_cover(problem, plan).money


def test_overtime_and_agency_land_on_their_unit_and_week():
    p = one_unit([PERM, BANK], leave=[Leave("B", MONDAY, MONDAY + timedelta(days=6), LeaveKind.ANNUAL)])
    problem, plan, _ = solve(p)
    row = cost_breakdown(problem, plan).row(0, named=True)
    assert (row["overtime"], row["agency"], row["agency_shifts"], row["short_shifts"]) == (252_00, 3 * 360_00, 3, 0)


def test_a_shortfall_is_a_penalty_not_money_paid():
    problem, plan, _ = solve(one_unit([PERM], agency=()))
    row = cost_breakdown(problem, plan).row(0, named=True)
    assert row["short_shifts"] == 3 and row["shortfall_penalty"] == 3 * 12 * 200_00
    # the contract and a 4th shift as overtime (£252, cheaper than a gap); nobody is paid for the 3 missing
    assert row["overtime"] == 252_00 and row["paid"] == 36 * 1400 + 252_00 == evaluate_cover(problem, plan).money


def test_two_weeks_split_by_week_and_summaries_add_up():
    problem, plan, _ = solve(one_unit([PERM, BANK]), days=14)
    frame = cost_breakdown(problem, plan)
    assert frame["week"].to_list() == [MONDAY, MONDAY + timedelta(days=7)]
    assert frame["contracted"].to_list() == [36 * 1400, 36 * 1400]
    weeks = summarise(frame, "week")
    homes = summarise(frame, "home")
    assert weeks["paid"].sum() == homes["paid"].sum() == frame["paid"].sum()
    assert homes["agency_share_percent"].to_list() == [0.0]
    with pytest.raises(ValueError, match="by: 'ward' is not one of home, unit, week"):
        summarise(frame, "ward")


@hsettings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=providers())
def test_every_penny_of_a_random_plan_is_attributed(tiny, drawn):  # noqa: F811
    problem = random_problem(tiny, drawn)
    for plan in (greedy_cover(problem), solve_cover(problem, time_limit=1.0, workers=1)[0]):
        frame = cost_breakdown(problem, plan)
        cost = evaluate_cover(problem, plan)
        slack = frame.height // 2 + 1  # pence are rounded once per row
        for column in MONEY:
            assert abs(int(frame[column].sum()) - getattr(cost, column)) <= slack, column
        assert abs(int(frame["shortfall_penalty"].sum()) - cost.shortfall) <= slack
        assert int(frame["agency_shifts"].sum()) == sum(plan.agency.values())
        assert int(frame["short_shifts"].sum()) == sum(plan.shortfall.values())
        assert frame.filter(pl.col("paid") != pl.sum_horizontal(*MONEY)).height == 0
        units = {u.unit_id for u in problem.provider.units} | {None}
        assert set(frame["unit_id"].to_list()) <= units
        first_days = {problem.start + timedelta(days=7 * i) for i in range((problem.days + 6) // 7)}
        assert set(frame["week"].to_list()) <= first_days


def test_cli_prints_and_writes_the_cost_per_home_unit_and_week(tmp_path):
    import csv
    import json

    from typer.testing import CliRunner

    from _care_helpers import write_provider
    from rotacc_lab.cli import app

    runner = CliRunner()
    ws = tmp_path / "p.duckdb"
    assert runner.invoke(app, ["import", str(ws), str(write_provider(tmp_path / "folder"))]).exit_code == 0
    costs = tmp_path / "costs.csv"
    r = runner.invoke(app, ["cover", str(ws), "--days", "14", "--time-limit", "2", "--json", "--costs-csv", str(costs)])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    rows = list(csv.DictReader(costs.open(encoding="utf-8")))
    assert len(rows) == len(out["breakdown"]) > 0
    assert sum(int(x["paid"]) for x in rows) == sum(b["paid"] for b in out["breakdown"])
    assert abs(sum(b["paid"] for b in out["breakdown"]) - out["cost"]["money"]) <= len(rows)
    assert {b["week"] for b in out["breakdown"]} <= {out["start"], str(date.fromisoformat(out["start"])
                                                                      + timedelta(days=7))}
    for by, first in (("home", "home"), ("unit", "home"), ("week", "week starting")):
        r = runner.invoke(app, ["cover", str(ws), "--days", "14", "--time-limit", "2", "--by", by])
        assert r.exit_code == 0, r.output
        lines = r.stdout.splitlines()
        at = lines.index(f"cost by {by} (paid = contracted + bank + uplift + overtime + agency):")
        assert lines[at + 1].split()[0] == first.split()[0]
    r = runner.invoke(app, ["cover", str(ws), "--by", "ward"])
    assert r.exit_code == 2 and "--by: 'ward' is not accepted; give one of home, unit, week" in r.output
    r = runner.invoke(app, ["cover", str(ws), "--days", "7", "--time-limit", "1",
                            "--costs-csv", str(tmp_path / "missing" / "c.csv")])
    assert r.exit_code == 2 and "--costs-csv: cannot write" in r.output


# --------------------------------------------------------------------------- home by home (issue 16 item 5)


def _two_homes(floats: bool):
    """Two copies of the one-unit home (H, G), a permanent and a bank worker in each; G's bank worker may float."""
    from rotacc_lab.carehomes.model import Cover, Home, Staff, Unit

    p = one_unit([PERM, BANK])
    g_staff = (replace(PERM, staff_id="GP", home_id="G"), replace(BANK, staff_id="GB", home_id="G", floats=floats))
    return replace(p, homes=(Home("H", "Home"), Home("G", "Other")), units=(*p.units, Unit("V", "G", "Unit", 10)),
                   staff=(*p.staff, *g_staff), cover=(*p.cover, Cover("V", "day", "CW", 1, 1)))


def test_by_home_is_the_exact_optimum_when_nobody_floats():
    from rotacc_lab.carehomes.cover import plan_problems, solve_cover_by_home

    p = _two_homes(floats=False)
    problem = CoverProblem(p, MONDAY, 7)
    plan, greedy = solve_cover_by_home(problem, time_limit=10)
    whole, _ = solve_cover(problem, time_limit=10, workers=1)
    assert plan.status == "OPTIMAL" and whole.status == "OPTIMAL" and plan.method.startswith("cp-sat home by home")
    assert evaluate_cover(problem, plan).total == evaluate_cover(problem, whole).total == 2 * 4 * 180_00
    assert plan.bound_centipence == plan.objective_centipence  # the homes' bounds add up: gap 0
    assert plan_problems(problem, plan) == []
    assert {b.unit_id for b in plan.bookings if b.staff_id.startswith("G")} == {"V"}


def test_by_home_then_the_whole_lets_floating_staff_help_the_other_home():
    from rotacc_lab.carehomes.cover import plan_problems, solve_cover_by_home

    # H's bank worker is on leave all week: by home, H needs overtime and agency; GB floats and is cheaper
    p = _two_homes(floats=True)
    p = replace(p, leave=(Leave("B", MONDAY, MONDAY + timedelta(days=6), LeaveKind.ANNUAL),))
    problem = CoverProblem(p, MONDAY, 7)
    plan, greedy = solve_cover_by_home(problem, time_limit=10)
    whole, _ = solve_cover(problem, time_limit=10, workers=1)
    assert plan.method.startswith("cp-sat home by home (2 models)")
    assert evaluate_cover(problem, plan).total == evaluate_cover(problem, whole).total  # the polish finds the optimum
    assert evaluate_cover(problem, plan).total <= evaluate_cover(problem, greedy).total
    assert any(b.staff_id == "GB" and b.unit_id == "U" for b in plan.bookings)  # G's bank worker helps H
    assert plan_problems(problem, plan) == []
    with pytest.raises(ValueError, match="polish share"):
        solve_cover_by_home(problem, polish_share=1.0)


@hsettings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=providers())
def test_by_home_plans_keep_every_rule_and_never_cost_more_than_the_greedy(tiny, drawn):  # noqa: F811
    from rotacc_lab.carehomes.cover import plan_problems, solve_cover_by_home

    problem = random_problem(tiny, drawn)
    plan, greedy = solve_cover_by_home(problem, time_limit=2.0)
    assert plan_problems(problem, plan) == []
    assert evaluate_cover(problem, plan).total_centipence <= evaluate_cover(problem, greedy).total_centipence
    for post in problem.posts():
        staffed = sum(1 for b in plan.bookings if b.post_key == post.key)
        assert staffed + plan.agency.get(post.key, 0) + plan.shortfall.get(post.key, 0) >= post.cover.minimum
