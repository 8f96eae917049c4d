"""Report 5, ``partner-wte``: each partner's target, worked, scheduled and deficiency.

Every figure comes from ``rotacc_lab.calculations.status_frame`` (the
calculators), so the report cannot disagree with them. For the range
``[start, end]`` and the day the question is asked, ``as_of`` (default: today
clamped into the range), the call is
``status_frame(snapshot, start, as_of, partner_ids, period_end=end)``:

Columns
    clinician_id, name
    target          calculations.target_shifts(snapshot, id, start, as_of)
    worked          worked-type shifts (all but STUDY_LEAVE) in [start, as_of]
    scheduled       SCHEDULED worked-type shifts dated as_of .. end
    deficiency      target − worked (historical)
    target_to_end   calculations.target_shifts(snapshot, id, start, end)
    deficiency_including_scheduled
                    target_to_end − (completed + scheduled) over [start, end]
    status          "on_track" / "under" / "over" (|deficiency| ≤ 1 is on track)
    explanation     why a partner is not on track, in words ("" when on track): the
                    bank-holiday credit the availability report (and the optimiser) count
                    but the period target does not deduct, the most shifts the partner could
                    work (leave, cannot-work days, weekly maximum), a fair share below the
                    target, days that already have the staffing minimum
                    (``generation.optimisation.partners.explain_targets`` over [start, as_of])
    (numbers are Decimal with 2 dp, as the calculators return them)

Rows: clinicians with a PARTNER term covering a working day in range.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ..domain import PracticeSnapshot, TermType
from ._frames import ReportError, check_range, mean_wte

COLUMNS = [
    "clinician_id",
    "name",
    "target",
    "worked",
    "scheduled",
    "deficiency",
    "target_to_end",
    "deficiency_including_scheduled",
    "status",
    "explanation",
]


def partner_ids(snapshot: PracticeSnapshot, start: date, end: date) -> list[str]:
    """Ids of clinicians with a PARTNER term covering a working day in range, sorted."""
    return sorted(mean_wte(snapshot, start, end, [TermType.PARTNER.value])["clinician_id"].to_list())


def default_as_of(start: date, end: date, today: date | None = None) -> date:
    """Today clamped into ``[start, end]``: a past range is fully historical, a future one fully scheduled."""
    today = today or date.today()
    return min(max(today, start), end)


def report_partner_wte(snapshot: PracticeSnapshot, start: date, end: date, as_of: date | None = None) -> pl.DataFrame:
    """Target, worked, scheduled and deficiency per partner for the period ``[start, end]`` as known on ``as_of``."""
    from ..calculations import status_frame  # the calculators own every formula used here

    start, end = check_range(start, end)
    as_of = default_as_of(start, end) if as_of is None else as_of
    if not start <= as_of <= end:
        raise ReportError(
            f"as_of: {as_of.isoformat()} is outside the range {start.isoformat()}..{end.isoformat()}; "
            "give a date inside it"
        )
    ids = partner_ids(snapshot, start, end)
    from ..generation.optimisation.partners import explain_targets  # pure: no solver is imported

    frame = status_frame(snapshot, start, as_of, clinician_ids=ids, period_end=end)
    why = dict(explain_targets(snapshot, start, as_of, partners=ids).select("clinician_id", "explanation").iter_rows())
    frame = frame.with_columns(
        pl.Series("explanation", [why.get(c, "") for c in frame["clinician_id"]], dtype=pl.String)
    )
    return frame.rename({"target_to_period_end": "target_to_end"}).select(COLUMNS).sort("clinician_id")

