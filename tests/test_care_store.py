"""Provider workspaces in a real DuckDB file: atomic import, load, export round trip (hypothesis), kinds, CLI."""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import replace
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from typer.testing import CliRunner

from _care_helpers import DEMO_PROVIDER, write_provider
from _dept_helpers import DEMO_DEPARTMENT
from rotacc_lab.carehomes.model import (
    AgencyRate,
    CareShiftType,
    Cover,
    CoverPolicy,
    Employment,
    Home,
    Leave,
    LeaveKind,
    LeaveStatus,
    PayPolicy,
    Provider,
    ProviderSettings,
    Role,
    Shifts,
    SkillMix,
    Staff,
    Unit,
    care_rules,
)
from rotacc_lab.carehomes.source import read_provider, write_provider_folder
from rotacc_lab.cli import app
from rotacc_lab.domain import UKNation
from rotacc_lab.errors import RotaccError, ValidationError
from rotacc_lab.rostering.rules import RULES, RuleSet
from rotacc_lab.rostering.shifts import ShiftType
from rotacc_lab.store.department_io import import_department, load_department
from rotacc_lab.store.provider_io import export_provider, import_provider, load_provider, provider_audit


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def same(a: Provider, b: Provider) -> bool:
    return replace(a, data_version=0) == replace(b, data_version=0)


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_import_load_export_the_demo(tmp_path):
    ws = tmp_path / "care.duckdb"
    summary = import_provider(ws, DEMO_PROVIDER)
    assert summary.created and summary.counts["staff"] == 233 and summary.counts["units"] == 9
    p = load_provider(ws)
    assert p.data_version == 1 and same(p, read_provider(DEMO_PROVIDER))
    export_provider(ws, tmp_path / "out")
    assert same(read_provider(tmp_path / "out"), p)
    second = import_provider(ws, tmp_path / "out", actor="again")
    assert second.data_version == 2 and not second.created
    assert [a["actor"] for a in provider_audit(ws)] == ["cli", "again"]


def test_a_failed_import_leaves_the_workspace_unchanged(tmp_path):
    ws = tmp_path / "care.duckdb"
    import_provider(ws, DEMO_PROVIDER)
    before = digest(ws)
    bad = write_provider(tmp_path / "bad", staff_csv="staff_id,name,role,home_id\nS1,Sam,NOPE,A\n")
    with pytest.raises(ValidationError):
        import_provider(ws, bad)
    assert digest(ws) == before and sorted(p.name for p in tmp_path.iterdir()) == ["bad", "care.duckdb"]


def test_kinds_refuse_each_other(tmp_path):
    care, dept = tmp_path / "care.duckdb", tmp_path / "dept.duckdb"
    import_provider(care, DEMO_PROVIDER)
    import_department(dept, DEMO_DEPARTMENT)
    with pytest.raises(RotaccError, match="is a department workspace; a provider needs its own workspace file"):
        import_provider(dept, DEMO_PROVIDER)
    with pytest.raises(RotaccError, match="is a provider workspace, not a department"):
        load_department(care)
    with pytest.raises(RotaccError, match="is a department workspace, not a provider"):
        load_provider(dept)
    result = run("pool", care)
    assert result.exit_code == 2 and "provider workspace, not a department" in result.output


def test_cli_import_provider_export(tmp_path):
    ws = tmp_path / "care.duckdb"
    result = run("import", ws, DEMO_PROVIDER)
    assert result.exit_code == 0 and "imported provider" in result.output
    out = run("provider", ws).output
    assert "total   235    233    27          4872" in out and "5 homes, 9 units, 235 beds, 233 staff" in out
    data = json.loads(run("provider", ws, "--json").output)
    assert data["total"]["beds"] == 235 and len(data["units"]) == 9
    result = run("export", ws, tmp_path / "out")
    assert result.exit_code == 0 and "wrote 10 files" in result.output
    assert run("export", ws, tmp_path / "x", "--xlsx", tmp_path / "x.xlsx").exit_code == 2
    assert run("provider", tmp_path / "missing.duckdb").exit_code == 2
    bad = write_provider(tmp_path / "bad", homes_csv="home_id,name\nA,\n")
    result = run("import", tmp_path / "new.duckdb", bad)
    assert result.exit_code == 2 and "homes.csv, row 1, column name" in result.output


# --------------------------------------------------------------------------- round trip (hypothesis)

_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=10) \
    .map(str.strip).filter(bool)
_times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 30]))
_money = st.integers(1, 999_999)
_pct = st.decimals(min_value=0, max_value=200, places=2).map(lambda d: d.quantize(Decimal("0.01")))


@st.composite
def providers(draw) -> Provider:
    overrides = {}
    for rid in draw(st.lists(st.sampled_from(list(RULES)), max_size=3, unique=True)):
        overrides[rid] = draw(st.booleans())
    settings = ProviderSettings(
        draw(_text), draw(st.sampled_from(list(UKNation))), date(2026, 12, 21), draw(st.integers(1, 60)),
        PayPolicy(draw(_pct), draw(st.sampled_from([Decimal(1), Decimal("1.5"), Decimal("2.25")])),
                  draw(st.sampled_from(["week", "horizon"])), draw(st.sampled_from([Decimal(1), Decimal(2)]))),
        CoverPolicy(draw(st.booleans()), draw(st.integers(0, 100)), draw(_money)),
        RuleSet.from_overrides(overrides, base=care_rules()))
    homes = tuple(Home(f"H{i}", draw(_text)) for i in range(draw(st.integers(1, 3))))
    units = tuple(Unit(f"U{i}", draw(st.sampled_from(homes)).home_id, draw(_text), draw(st.integers(1, 60)))
                  for i in range(draw(st.integers(1, 4))))
    roles = tuple(Role(f"R{i}", draw(_text), i + 1, draw(_money)) for i in range(draw(st.integers(1, 3))))
    codes = [r.role for r in roles]
    types = tuple(CareShiftType(ShiftType(f"t{i}", draw(_times), draw(_times), draw(st.one_of(st.just(""), _text))),
                                tuple(draw(st.lists(st.sampled_from(codes), unique=True)))) for i in range(3))
    staff = []
    for i in range(draw(st.integers(1, 6))):
        home = draw(st.sampled_from(homes)).home_id
        bank = draw(st.booleans())
        own_units = [u.unit_id for u in units if u.home_id == home]
        staff.append(Staff(
            f"S{i}", draw(_text), draw(st.sampled_from(codes)), home, Employment.BANK if bank else Employment.PERMANENT,
            Decimal(0) if bank else draw(st.sampled_from([Decimal("37.5"), Decimal(16), Decimal("0.25")])),
            draw(st.one_of(st.none(), st.sampled_from(own_units))) if own_units else None, draw(st.booleans()),
            draw(st.one_of(st.none(), _money)), draw(st.booleans()), draw(st.one_of(st.none(), st.just(f"s{i}@x.org"))),
            tuple(sorted(draw(st.sets(st.integers(0, 6), max_size=6))))))

    def allowed(t: CareShiftType, role: str) -> bool:
        return not t.roles or role in t.roles

    agency = []
    for role, t in draw(st.lists(st.tuples(st.sampled_from(codes), st.sampled_from(types)), unique=True, max_size=4)):
        if allowed(t, role):
            agency.append(AgencyRate(role, t.code, draw(_money), draw(st.one_of(st.none(), _money)),
                                     draw(st.one_of(st.none(), _money))))
    rank = {r.role: r.seniority for r in roles}
    cover = []
    for u, t, role in draw(st.lists(st.tuples(st.sampled_from(units), st.sampled_from(types),
                                              st.one_of(st.none(), st.sampled_from(codes))), unique=True, max_size=5)):
        fillers = [r for r in codes if role is None or r == role
                   or (settings.policy.work_down and rank[r] <= rank[role])]
        if any(allowed(t, r) for r in fillers):
            minimum = draw(st.integers(0, 5))
            cover.append(Cover(u.unit_id, t.code, role, minimum, minimum + draw(st.integers(0, 2))))
    mix = [SkillMix(u, s, draw(st.sampled_from(codes)), draw(st.integers(1, 9))) for u, s in draw(st.lists(
        st.tuples(st.one_of(st.none(), st.sampled_from([u.unit_id for u in units])), st.sampled_from(list(Shifts))),
        unique=True, max_size=3))]
    leave = []
    for _ in range(draw(st.integers(0, 4))):
        s = draw(st.sampled_from(staff))
        start = date(2026, 12, 21) + timedelta(days=draw(st.integers(-3, 30)))
        item = Leave(s.staff_id, start, start + timedelta(days=draw(st.integers(0, 5))),
                     draw(st.sampled_from(list(LeaveKind))), draw(st.sampled_from(list(LeaveStatus))))
        if item not in leave:
            leave.append(item)
    return Provider(settings, homes, units, roles, types, tuple(staff), tuple(agency), tuple(cover), tuple(mix),
                    tuple(leave))


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(providers())
def test_any_provider_round_trips_through_folder_workspace_and_export(provider):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_provider_folder(provider, tmp / "in")
        assert read_provider(tmp / "in") == provider
        import_provider(tmp / "ws.duckdb", tmp / "in")
        assert same(load_provider(tmp / "ws.duckdb"), provider)
        export_provider(tmp / "ws.duckdb", tmp / "out")
        assert {p.name: p.read_bytes() for p in (tmp / "in").iterdir()} == \
               {p.name: p.read_bytes() for p in (tmp / "out").iterdir()}
