"""ICS export: parsed back with a small unfolding parser; folding, escaping, stable UIDs."""

from __future__ import annotations

from datetime import date, datetime, timezone

import icalendar
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


# icalendar keeps X- properties opaque; X-WR-CALNAME is TEXT for every calendar client that reads it
icalendar.Calendar.types_factory.types_map.setdefault("x-wr-calname", "text")


def parse(text: str) -> tuple[icalendar.Calendar, list[icalendar.Event]]:
    """The calendar and its events, read by the icalendar package (an independent RFC 5545 parser)."""
    cal = icalendar.Calendar.from_ical(text)
    return cal, list(cal.walk("VEVENT"))


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
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    cal, events = parse(text)
    assert str(cal["VERSION"]) == "2.0" and str(cal["CALSCALE"]) == "GREGORIAN" and str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["PRODID"]).startswith("-//rotacc-lab")
    assert str(cal["X-WR-CALNAME"]) == "Dr Ann\\Lee - Elm, Oak; & Ash rota"
    assert [str(e["UID"]) for e in events] == [
        "shift-7@rotacc-lab", "shift-8@rotacc-lab", "shift-9@rotacc-lab", "leave-L1@rotacc-lab"]
    duty, half, cancelled, leave = events
    assert str(duty["SUMMARY"]) == "Duty" and str(duty["STATUS"]) == "CONFIRMED"
    # all-day, exclusive end, across the year boundary
    assert duty.decoded("DTSTART") == date(2026, 12, 31) and duty.decoded("DTEND") == date(2027, 1, 1)
    assert str(half["SUMMARY"]) == "Standard shift (half day)"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert leave.decoded("DTSTART") == date(2027, 1, 11) and leave.decoded("DTEND") == date(2027, 1, 16)
    assert all(e.decoded("DTSTAMP") == STAMP for e in events)


def test_output_is_deterministic_and_window_filters():
    s = snapshot()
    assert clinician_calendar(s, "C1", dtstamp=STAMP) == clinician_calendar(s, "C1", dtstamp=STAMP)
    _, events = parse(clinician_calendar(s, "C1", date(2027, 1, 1), date(2027, 1, 12), dtstamp=STAMP))
    assert [str(e["UID"]) for e in events] == ["shift-8@rotacc-lab", "shift-9@rotacc-lab", "leave-L1@rotacc-lab"]


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
    assert str(cal["X-WR-CALNAME"]) == summary
    assert len(events) == 1


def test_fold_line_exact_boundaries():
    line = "X" * 75
    assert fold_line(line) == line
    folded = fold_line("Y" * 76)
    assert folded == "Y" * 75 + "\r\n " + "Y"
    multi = fold_line("é" * 40)  # 80 octets
    first, second = multi.split("\r\n")
    assert len(first.encode()) == 74 and second == " " + "é" * 3


def test_one_file_per_clinician_with_safe_distinct_names(tmp_path):
    from rotacc_lab.exports.ics import write_calendars

    base = snapshot()
    clinicians = base.clinicians + (Clinician("a/b", "Dr Slash", None, ClinicianType.SALARIED),
                                    Clinician("a_b", "Dr Underscore", None, ClinicianType.SALARIED))
    snap = PracticeSnapshot(settings=base.settings, clinicians=clinicians, shifts=base.shifts, leave=base.leave)
    written = write_calendars(snap, tmp_path / "cal")
    names = [p.name for p, _ in written]
    assert names == ["C1.ics", "C2.ics", "a_b.ics", "a_b-2.ics"]
    for (path, events), cid in zip(written, ["C1", "C2", "a/b", "a_b"]):
        cal, evs = parse(path.read_text(encoding="utf-8"))
        assert len(evs) == events
        assert str(cal["X-WR-CALNAME"]).startswith(snap.clinician(cid).name)
