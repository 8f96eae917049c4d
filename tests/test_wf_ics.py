"""ICS export: parsed back with a small unfolding parser; folding, escaping, stable UIDs."""

from __future__ import annotations

from datetime import date, datetime, timezone

from hypothesis import given, settings, strategies as st

from rotacc_lab.domain import (
    Clinician,
    ClinicianType,
    Duration,
    Leave,
    LeaveStatus,
    LeaveType,
    PracticeSnapshot,
    Settings,
    Shift,
    ShiftStatus,
    ShiftType,
)
from rotacc_lab.exports.ics import clinician_calendar, escape_text, fold_line, render_calendar

STAMP = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


def unfold(text: str) -> list[str]:
    """RFC 5545 §3.1 unfolding: CRLF followed by one space/tab continues the previous line."""
    assert text.endswith("\r\n")
    raw = text.split("\r\n")[:-1]
    lines: list[str] = []
    for r in raw:
        if r[:1] in (" ", "\t"):
            lines[-1] += r[1:]
        else:
            lines.append(r)
    return lines


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def parse(text: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Return (calendar properties, events as name->value; parameters kept in the name)."""
    cal: dict[str, str] = {}
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfold(text):
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
        else:
            cal[name] = value
    return cal, events


def snapshot() -> PracticeSnapshot:
    return PracticeSnapshot(
        settings=Settings(practice_name="Elm, Oak; & Ash"),
        clinicians=(Clinician("C1", "Dr Ann\\Lee", None, ClinicianType.PARTNER),
                    Clinician("C2", "Dr B", None, ClinicianType.PARTNER)),
        shifts=(
            Shift(7, "C1", date(2026, 12, 31), ShiftType.DUTY),
            Shift(8, "C1", date(2027, 1, 4), duration=Duration.HALF),
            Shift(9, "C1", date(2027, 1, 5), status=ShiftStatus.CANCELLED),
            Shift(10, "C2", date(2027, 1, 5)),
        ),
        leave=(
            Leave("L1", "C1", LeaveType.ANNUAL_LEAVE, date(2027, 1, 11), date(2027, 1, 15), LeaveStatus.APPROVED),
            Leave("L2", "C1", LeaveType.ANNUAL_LEAVE, date(2027, 2, 1), date(2027, 2, 1), LeaveStatus.PENDING),
        ),
    )


def test_calendar_structure_and_events():
    text = clinician_calendar(snapshot(), "C1", dtstamp=STAMP)
    assert "\n" not in text.replace("\r\n", "")
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    cal, events = parse(text)
    assert cal["VERSION"] == "2.0" and cal["CALSCALE"] == "GREGORIAN" and cal["METHOD"] == "PUBLISH"
    assert cal["PRODID"].startswith("-//rotacc-lab")
    assert unescape(cal["X-WR-CALNAME"]) == "Dr Ann\\Lee - Elm, Oak; & Ash rota"
    assert [e["UID"] for e in events] == [
        "shift-7@rotacc-lab", "shift-8@rotacc-lab", "shift-9@rotacc-lab", "leave-L1@rotacc-lab"]
    duty, half, cancelled, leave = events
    assert duty["SUMMARY"] == "Duty" and duty["STATUS"] == "CONFIRMED"
    # all-day, exclusive end, across the year boundary
    assert duty["DTSTART;VALUE=DATE"] == "20261231" and duty["DTEND;VALUE=DATE"] == "20270101"
    assert half["SUMMARY"] == "Standard shift (half day)"
    assert cancelled["STATUS"] == "CANCELLED"
    assert leave["DTSTART;VALUE=DATE"] == "20270111" and leave["DTEND;VALUE=DATE"] == "20270116"
    assert all(e["DTSTAMP"] == "20261122T120000Z" for e in events)


def test_output_is_deterministic_and_window_filters():
    s = snapshot()
    assert clinician_calendar(s, "C1", dtstamp=STAMP) == clinician_calendar(s, "C1", dtstamp=STAMP)
    _, events = parse(clinician_calendar(s, "C1", date(2027, 1, 1), date(2027, 1, 12), dtstamp=STAMP))
    assert [e["UID"] for e in events] == ["shift-8@rotacc-lab", "shift-9@rotacc-lab", "leave-L1@rotacc-lab"]


def test_escaping_examples():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=300))
def test_fold_and_escape_round_trip(summary):
    text = render_calendar(summary, [Shift(1, "C1", date(2026, 5, 5))], dtstamp=STAMP)
    for raw in text.split("\r\n")[:-1]:
        assert len(raw.encode("utf-8")) <= 75
        raw.encode("utf-8").decode("utf-8")  # never split inside a character
    cal, events = parse(text)
    assert unescape(cal["X-WR-CALNAME"]) == summary
    assert len(events) == 1


def test_fold_line_exact_boundaries():
    line = "X" * 75
    assert fold_line(line) == line
    folded = fold_line("Y" * 76)
    assert folded == "Y" * 75 + "\r\n " + "Y"
    multi = fold_line("é" * 40)  # 80 octets
    first, second = multi.split("\r\n")
    assert len(first.encode()) == 74 and second == " " + "é" * 3
