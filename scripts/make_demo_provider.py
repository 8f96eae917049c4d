"""Write data/demo-provider: the demo care-home provider (docs/carehomes.md).

Deterministic (a fixed seed): running it again writes the same files. The sizes
follow the unit sizes of the care-home paper (5 homes, 9 units, 235 beds, about
25 staff per unit); the names, rates, contracts and leave are this project's own
illustrative figures, not the paper's.

    .venv/bin/python scripts/make_demo_provider.py [OUT_FOLDER]
"""

from __future__ import annotations

import math
import random
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = date(2026, 12, 21)  # a Monday: four weeks over Christmas and New Year
DAYS = 28

HOMES = [
    ("ASH", "Ashgrove House", [("ROWAN", "Rowan", 24), ("BIRCH", "Birch", 24), ("HAZEL", "Hazel", 24)]),
    ("BRK", "Brookfield", [("IVY", "Ivy", 24), ("FERN", "Fern", 24)]),
    ("CLY", "Clydeview", [("LARCH", "Larch", 28), ("ELDER", "Elder", 28)]),
    ("DUN", "Dunmore Court", [("HEATH", "Heath", 32)]),
    ("ELM", "Elmbank", [("WILLOW", "Willow", 27)]),
]
ROLES = [("SSCW", "Senior social care worker", 1, "19.80"), ("SCW", "Social care worker", 2, "16.20"),
         ("SCA", "Social care assistant", 3, "13.45")]
SHIFT_TYPES = [
    ("day_assistant", "Day (assistant)", "08:00", "20:00", ""),
    ("day_senior", "Day (senior)", "10:00", "22:00", "SSCW;SCW"),
    ("night_senior", "Night (senior)", "20:00", "08:00", "SSCW;SCW"),
    ("night_assistant", "Night (assistant)", "22:00", "10:00", ""),
]
AGENCY = [  # role, shift type, weekday, weekend, bank holiday (pounds an hour)
    ("SCA", "day_assistant", "24.00", "26.50", "36.00"),
    ("SCA", "night_assistant", "26.00", "28.50", "38.50"),
    ("SCW", "day_assistant", "28.50", "31.50", "42.00"),
    ("SCW", "day_senior", "28.50", "31.50", "42.00"),
    ("SCW", "night_senior", "30.50", "33.50", "45.00"),
    ("SCW", "night_assistant", "30.50", "33.50", "45.00"),
    ("SSCW", "day_senior", "33.00", "36.50", "49.50"),
    ("SSCW", "night_senior", "35.50", "39.00", "53.00"),
]
FIRST = ["Aileen", "Amir", "Beth", "Callum", "Chloe", "Declan", "Eilidh", "Fatima", "Fraser", "Gemma", "Hamish",
         "Isla", "Jamal", "Kirsty", "Lewis", "Lorna", "Mhairi", "Niamh", "Oliver", "Priya", "Rory", "Sana", "Struan",
         "Tegan", "Uzma", "Vikram", "Wendy", "Yusuf", "Zara", "Morag", "Euan", "Rhona", "Kenji", "Ola", "Piotr",
         "Agnieszka", "Kofi", "Grace", "Ross", "Shona"]
LAST = ["MacLeod", "Campbell", "Stewart", "Robertson", "Thomson", "Anderson", "Reid", "Murray", "Taylor", "Clark",
        "Ross", "Young", "Mitchell", "Watson", "Paterson", "Fraser", "Grant", "McKenzie", "Hussain", "Kaur", "Ahmed",
        "Nowak", "Mensah", "Okoye", "Kowalska", "Douglas", "Hamilton", "Graham", "Kerr", "Sinclair"]


def csv(rows: list[tuple], header: str) -> str:
    out = [header]
    for r in rows:
        out.append(",".join("" if v is None else str(v) for v in r))
    return "\n".join(out) + "\n"


def build() -> dict[str, str]:
    rng = random.Random(2026)
    files: dict[str, str] = {}
    files["provider.toml"] = f"""\
# The demo care-home provider of docs/carehomes.md: 5 homes, 9 units, 235 beds, about 25
# staff per unit, over a 4-week horizon that spans Christmas and New Year 2026. Money is
# pounds an hour; every policy below is configurable.

[provider]
name = "Demo Care Group"
uk_nation = "scotland"

[horizon]
start = {START.isoformat()}
days = {DAYS}

[pay]
night_uplift_percent = 25.0       # on night shift types (3 h or more between 23:00 and 06:00)
overtime_multiplier = 1.5         # on hours above contract hours
overtime_period = "week"          # counted per week ("week") or over the whole horizon ("horizon")
bank_holiday_multiplier = 1.0     # staff pay on bank holidays (agency has its own rates)

[policy]
work_down = true                  # a senior may fill a junior role's cover
agency_max_share_percent = 50     # at most half of a cover row's minimum from agency
shortfall_penalty_per_hour = 200.00

# The Working Time rules for care staff apply with their defaults (docs/carehomes.md);
# override or switch on others here, e.g.
# [rules.rest_between_shifts]
# min_hours = 12
"""
    files["homes.csv"] = csv([(h, name) for h, name, _ in HOMES], "home_id,name")
    units = [(f"{h}_{u}", h, name, beds) for h, _, us in HOMES for u, name, beds in us]
    files["units.csv"] = csv(units, "unit_id,home_id,name,beds")
    files["roles.csv"] = csv(ROLES, "role,name,seniority,hourly_rate")
    files["shift_types.csv"] = csv([(c, n, s, e, "true", r) for c, n, s, e, r in SHIFT_TYPES],
                                   "shift_type,name,start,end,clinical,roles")
    files["agency_rates.csv"] = csv(AGENCY, "role,shift_type,weekday_rate,weekend_rate,bank_holiday_rate")

    cover = []
    for uid, _, _, beds in units:
        cover.append((uid, "day_assistant", "SCA", math.ceil(beds / 8), math.ceil(beds / 8) + 1))
        cover.append((uid, "day_senior", "SCW", 1, 1))
        cover.append((uid, "night_senior", "SCW", 1, 1))
        cover.append((uid, "night_assistant", "SCA", 1, 2 if beds > 24 else 1))
    files["cover.csv"] = csv(cover, "unit_id,shift_type,role,minimum,ideal")
    files["skill_mix.csv"] = csv([("", "day", "SCW", 5), ("", "night", "SCW", 3)], "unit_id,shifts,role,one_per")

    staff, used = [], set()
    n = 0

    def person() -> tuple[str, str]:
        while True:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if name not in used:
                used.add(name)
                email = name.lower().replace(" ", ".") + "@democare.example"
                return name, email

    for uid, home, _, beds in units:
        plan = ([("SSCW", "37.5")] + [("SCW", h) for h in ("36", "36", "30", "24", "24")]
                + [("SCA", h) for h in ("36", "36", "36", "36", "30", "30", "30", "30", "24", "24", "24", "24",
                                        "18", "18", "18", "18")])
        if beds > 24:
            plan += [("SCA", "30"), ("SCA", "24")]
        plan += [("SCW", "0"), ("SCA", "0"), ("SCA", "0")]  # bank staff
        for role, hours in plan:
            n += 1
            name, email = person()
            bank = hours == "0"
            floats = bank or rng.random() < 0.06
            rate = None
            if not bank and role != "SCA" and rng.random() < 0.2:
                rate = {"SCW": "17.10", "SSCW": "20.90"}[role]  # long service
            opted = not bank and rng.random() < 0.05
            cannot = ""
            if not bank and float(hours) <= 24 and rng.random() < 0.4:
                cannot = ";".join(sorted(rng.sample(["Mon", "Tue", "Wed", "Thu", "Fri"], 2),
                                         key=["Mon", "Tue", "Wed", "Thu", "Fri"].index))
            staff.append((f"S{n:04d}", name, email, role, home, "" if bank else uid, "BANK" if bank else "PERMANENT",
                          hours, "true" if floats else "false", rate or "", "true" if opted else "false", cannot))
    files["staff.csv"] = csv(staff, "staff_id,name,email,role,home_id,unit_id,employment,contract_hours,floats,"
                                    "hourly_rate,opted_out,cannot_work_days")

    leave = []
    permanent = [s for s in staff if s[6] == "PERMANENT"]
    for s in rng.sample(permanent, 30):  # a week of annual leave, approved
        first = START + timedelta(days=rng.randrange(0, DAYS - 6))
        leave.append((s[0], first.isoformat(), (first + timedelta(days=6)).isoformat(), "ANNUAL", "APPROVED"))
    for s in rng.sample(permanent, 12):  # sickness spells
        first = START + timedelta(days=rng.randrange(0, DAYS - 3))
        leave.append((s[0], first.isoformat(), (first + timedelta(days=rng.randrange(1, 4))).isoformat(), "SICK",
                      "APPROVED"))
    for s in rng.sample(permanent, 10):  # a training day
        day = START + timedelta(days=rng.randrange(0, DAYS))
        leave.append((s[0], day.isoformat(), day.isoformat(), "TRAINING", "APPROVED"))
    for s in rng.sample(permanent, 15):  # requests still to decide (issue 16 item 4)
        first = START + timedelta(days=rng.randrange(0, DAYS - 2))
        leave.append((s[0], first.isoformat(), (first + timedelta(days=rng.randrange(0, 3))).isoformat(),
                      rng.choice(["ANNUAL", "PERSONAL"]), "PENDING"))
    kept: list[tuple] = []
    for row in leave:  # no person has two approved absences on the same day
        if row[4] == "APPROVED" and any(k[0] == row[0] and k[4] == "APPROVED" and k[1] <= row[2] and row[1] <= k[2]
                                        for k in kept):
            continue
        kept.append(row)
    kept.sort(key=lambda r: (r[1], r[0], r[3]))
    files["leave.csv"] = csv(list(dict.fromkeys(kept)), "staff_id,start_date,end_date,kind,status")
    return files


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "data" / "demo-provider"
    out.mkdir(parents=True, exist_ok=True)
    for name, text in build().items():
        (out / name).write_text(text, encoding="utf-8", newline="")
    print(f"wrote {len(build())} files to {out}")


if __name__ == "__main__":
    main(sys.argv)
