"""What a provider has against what it needs, before any rota: contracted hours against cover.

Per unit, home and role: the hours a week of minimum (and ideal) cover, the
contracted hours of the permanent staff, and the contracted hours left over the
horizon after approved leave (a day of leave removes a seventh of a week's contract
hours). Bank staff have no contract hours; they and agency fill what is left. The
cover model (issue 16, item 2) decides who works what; this only says whether the
pool can carry the cover at all (docs/carehomes.md, "Contracted hours against cover").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from .model import Employment, Provider


@dataclass(frozen=True)
class CapacityLine:
    key: str  # unit id, home id or role
    label: str
    beds: int
    staff: int
    bank_staff: int
    required_hours_week: Decimal  # minimum cover
    ideal_hours_week: Decimal
    contracted_hours_week: Decimal
    available_hours_horizon: Decimal  # contracted over the horizon less approved leave

    @property
    def cover_percent(self) -> Decimal:
        """Contracted hours as a percentage of the minimum cover (0 when nothing is required)."""
        if not self.required_hours_week:
            return Decimal(0)
        return (self.contracted_hours_week * 100 / self.required_hours_week).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class ProviderSummary:
    name: str
    horizon: tuple[str, str]
    weeks: Decimal
    units: tuple[CapacityLine, ...]
    homes: tuple[CapacityLine, ...]
    roles: tuple[CapacityLine, ...]
    total: CapacityLine

    def sentences(self) -> list[str]:
        t = self.total
        required_horizon = t.required_hours_week * self.weeks
        lines = [
            f"{self.name}: {len(self.homes)} homes, {len(self.units)} units, {t.beds} beds, {t.staff} staff "
            f"({t.bank_staff} bank), {t.staff / max(len(self.units), 1):.1f} staff per unit",
            f"minimum cover {t.required_hours_week:g} h a week against {t.contracted_hours_week:g} contracted "
            f"({t.cover_percent}%); over the horizon {required_horizon:g} h needed, {t.available_hours_horizon:g} h "
            "contracted after approved leave",
        ]
        short = [u for u in self.units if u.available_hours_horizon < u.required_hours_week * self.weeks]
        if short:
            lines.append("units whose own contracted hours after leave fall short of their minimum cover: "
                         + ", ".join(f"{u.key} ({u.available_hours_horizon - u.required_hours_week * self.weeks:g} h)"
                                     for u in short))
        return lines

    def as_dict(self) -> dict:
        def line(x: CapacityLine) -> dict:
            return {"key": x.key, "label": x.label, "beds": x.beds, "staff": x.staff, "bank_staff": x.bank_staff,
                    "required_hours_week": float(x.required_hours_week), "ideal_hours_week": float(x.ideal_hours_week),
                    "contracted_hours_week": float(x.contracted_hours_week),
                    "available_hours_horizon": float(x.available_hours_horizon),
                    "cover_percent": float(x.cover_percent)}

        return {"name": self.name, "horizon_start": self.horizon[0], "horizon_end": self.horizon[1],
                "weeks": float(self.weeks), "summary": self.sentences(), "total": line(self.total),
                "homes": [line(x) for x in self.homes], "units": [line(x) for x in self.units],
                "roles": [line(x) for x in self.roles]}


def provider_summary(p: Provider) -> ProviderSummary:
    s = p.settings
    weeks = Decimal(s.horizon_days) / 7
    days = [s.horizon_start + timedelta(days=i) for i in range(s.horizon_days)]
    hours = {t.code: Decimal(t.shift.minutes) / 60 for t in p.shift_types}
    need: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])  # key -> [minimum, ideal]
    for d in days:  # a dated cover row (a forecast) counts on its own day only
        for c in p.cover_on(d):
            h = hours[c.shift_type]
            home = p.unit_by_id[c.unit_id].home_id
            for key in (c.unit_id, home, f"role:{c.role or '(any)'}", "total"):
                need[key][0] += c.minimum * h
                need[key][1] += c.ideal * h
    for key, pair in need.items():  # hours a week: the horizon's hours spread over its weeks
        need[key] = [(v * 7 / len(days)).quantize(Decimal("0.1")) for v in pair]
    people: dict[str, list] = defaultdict(lambda: [0, 0, Decimal(0), Decimal(0)])  # staff, bank, contracted, available
    for x in p.staff:
        leave_days = {d for lv in p.approved_leave(x.staff_id) for d in days if lv.covers(d)}
        available = x.contract_hours * (Decimal(len(days) - len(leave_days)) / 7)
        keys = [x.home_id, f"role:{x.role}", "total"] + ([x.unit_id] if x.unit_id else [])
        for key in keys:
            people[key][0] += 1
            people[key][1] += x.employment is Employment.BANK
            people[key][2] += x.contract_hours
            people[key][3] += available

    def line(key: str, label: str, beds: int) -> CapacityLine:
        n, bank, contracted, available = people[key]
        mn, ideal = need[key]
        return CapacityLine(key.removeprefix("role:"), label, beds, n, bank, mn.normalize() + 0, ideal.normalize() + 0,
                            contracted.normalize() + 0, available.quantize(Decimal("0.1")))

    units = tuple(line(u.unit_id, u.name, u.beds) for u in p.units)
    homes = tuple(line(h.home_id, h.name, sum(u.beds for u in p.units if u.home_id == h.home_id)) for h in p.homes)
    roles = tuple(line(f"role:{r.role}", r.name, 0) for r in p.roles)
    if any(c.role is None for c in p.cover):
        roles += (line("role:(any)", "any role", 0),)
    total = line("total", p.settings.name, sum(u.beds for u in p.units))
    return ProviderSummary(s.name, (s.horizon_start.isoformat(), s.horizon_end.isoformat()), weeks, units, homes,
                           roles, total)
