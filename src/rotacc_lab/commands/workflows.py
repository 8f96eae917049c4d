"""Workflow commands: leave, swap, shift, locum, outbox, export-ics.

Every command that changes the workspace takes ``--actor`` (recorded in the
audit log) and, where shifts may change, ``--today`` (the start of the fixed
period for change notifications; default: the real date). User errors print
``error: ...`` on stderr and exit with code 2.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable, List, Optional, TypeVar

import typer

from ..dates import DateError, parse_optional_date
from ..errors import RotaccError

T = TypeVar("T")

WS_ARG = typer.Argument(..., help="workspace file (.duckdb)")
ACTOR = typer.Option("cli", "--actor", help="who makes the change (recorded in the audit log)")
TODAY = typer.Option(None, "--today", help="start of the fixed period for notifications, YYYY-MM-DD (default: today)")


def _fail(err: Exception) -> typer.Exit:
    typer.echo(f"error: {err}", err=True)
    return typer.Exit(code=2)


def _run(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except (RotaccError, ValueError) as err:
        raise _fail(err)


def _date(value: str | None, what: str) -> date | None:
    try:
        return parse_optional_date(value, what)
    except DateError as err:
        raise _fail(err) from None


def _open(path: Path):
    from ..store import Workspace

    return Workspace.open(path)


def register(app: typer.Typer) -> None:
    leave_app = typer.Typer(help="Leave requests: submit, approve, reject, cancel, list.", no_args_is_help=True)
    swap_app = typer.Typer(help="Shift swaps between clinicians.", no_args_is_help=True)
    shift_app = typer.Typer(help="Manual shift adjustments (validated and audited).", no_args_is_help=True)
    locum_app = typer.Typer(help="Locum bookings.", no_args_is_help=True)
    outbox_app = typer.Typer(help="Change notifications waiting to be e-mailed.", no_args_is_help=True)
    app.add_typer(leave_app, name="leave")
    app.add_typer(swap_app, name="swap")
    app.add_typer(shift_app, name="shift")
    app.add_typer(locum_app, name="locum")
    app.add_typer(outbox_app, name="outbox")

    # ------------------------------------------------------------------ leave
    @leave_app.command("submit")
    def leave_submit(
        workspace: Path = WS_ARG,
        clinician: str = typer.Argument(..., help="clinician id"),
        leave_type: str = typer.Argument(..., help="ANNUAL_LEAVE, STUDY_LEAVE, PLANNED_SICK, CORONERS or NOT_WORKING"),
        start: str = typer.Argument(..., help="first day, YYYY-MM-DD"),
        end: str = typer.Argument(..., help="last day, YYYY-MM-DD"),
        half_day: bool = typer.Option(False, "--half-day", help="a half day (start must equal end)"),
        policy: Optional[Path] = typer.Option(None, "--policy", help="TOML file with a [leave_policy] table"),
        leave_id: Optional[str] = typer.Option(None, "--id", help="leave id (default: generated)"),
        actor: str = ACTOR,
        today: Optional[str] = TODAY,
    ) -> None:
        """Submit a leave request; it is approved at once when the auto-approval policy allows."""
        from ..workflows import leave
        from ..workflows.policy import LeavePolicy

        s, e, t = _date(start, "start"), _date(end, "end"), _date(today, "--today")
        out = _run(lambda: leave.submit(
            _open(workspace), clinician, leave_type, s, e, actor=actor, half_day=half_day,
            policy=LeavePolicy.from_toml(policy) if policy else None, today=t, leave_id=leave_id))
        typer.echo(f"leave {out.leave.leave_id}: {out.leave.status.value}")
        if out.decision and not out.decision.auto_approve:
            typer.echo("needs manual review:")
            for reason in out.decision.reasons:
                typer.echo(f"  - {reason}")
        _echo_effects(out)

    @leave_app.command("approve")
    def leave_approve(workspace: Path = WS_ARG, leave_id: str = typer.Argument(...),
                      note: Optional[str] = typer.Option(None, "--note"), actor: str = ACTOR,
                      today: Optional[str] = TODAY,
                      force: bool = typer.Option(False, "--force",
                                                 help="approve even if a day falls below the 66 % staffing floor"),
                      reason: Optional[str] = typer.Option(None, "--reason",
                                                           help="why (required with --force; kept in the audit trail)")) -> None:
        """Approve a PENDING request (removes the clinician's unpinned shifts in the range).

        Shows the impact on staffing; refuses when a day would fall below the 66 % floor
        unless --force with a --reason."""
        from ..workflows import leave

        t = _date(today, "--today")
        out = _run(lambda: leave.approve(_open(workspace), leave_id, actor=actor, note=note, today=t,
                                         force=force, reason=reason))
        typer.echo(f"leave {leave_id}: APPROVED")
        if out.impact is not None:
            for line in out.impact.lines()[1:]:
                typer.echo(f"  {line.strip()}")
        _echo_effects(out)

    @leave_app.command("impact")
    def leave_impact(
        workspace: Path = WS_ARG,
        clinician_or_leave: str = typer.Argument(..., help="a clinician id (then TYPE START END) or a leave id"),
        leave_type: Optional[str] = typer.Argument(None, help="ANNUAL_LEAVE, STUDY_LEAVE, ..."),
        start: Optional[str] = typer.Argument(None, help="first day, YYYY-MM-DD"),
        end: Optional[str] = typer.Argument(None, help="last day, YYYY-MM-DD"),
        half_day: bool = typer.Option(False, "--half-day", help="a half day (start must equal end)"),
    ) -> None:
        """Preview what approving leave would do to staffing (nothing is written).

        Either an existing request (`leave impact WS LV-00003`) or one not yet submitted
        (`leave impact WS P01 ANNUAL_LEAVE 2026-05-11 2026-05-15`): the shifts removed, the days
        that would fall below the minimum or the 66 % floor, and what a rebalance would need."""
        from ..workflows import leave

        if leave_type is None:
            out = _run(lambda: leave.impact_of(_open(workspace), clinician_or_leave))
        else:
            if start is None or end is None:
                raise _fail(ValueError("leave impact: give TYPE START END after the clinician id, or only a leave id"))
            s, e = _date(start, "start"), _date(end, "end")
            out = _run(lambda: leave.impact(_open(workspace), clinician_or_leave, leave_type, s, e, half_day=half_day))
        for line in out.lines():
            typer.echo(line)
        if out.below_floor:
            typer.echo(f"{len(out.below_floor)} day(s) below the 66 % floor: approval needs --force with a --reason")

    @leave_app.command("reject")
    def leave_reject(workspace: Path = WS_ARG, leave_id: str = typer.Argument(...),
                     reason: Optional[str] = typer.Option(None, "--reason"), actor: str = ACTOR) -> None:
        """Reject a PENDING request."""
        from ..workflows import leave

        _run(lambda: leave.reject(_open(workspace), leave_id, actor=actor, reason=reason))
        typer.echo(f"leave {leave_id}: REJECTED")

    @leave_app.command("cancel")
    def leave_cancel(workspace: Path = WS_ARG, leave_id: str = typer.Argument(...),
                     reason: Optional[str] = typer.Option(None, "--reason"), actor: str = ACTOR) -> None:
        """Cancel PENDING or APPROVED leave."""
        from ..workflows import leave

        out = _run(lambda: leave.cancel(_open(workspace), leave_id, actor=actor, reason=reason))
        typer.echo(f"leave {leave_id}: CANCELLED")
        _echo_effects(out)

    @leave_app.command("list")
    def leave_list(workspace: Path = WS_ARG,
                   clinician: Optional[str] = typer.Option(None, "--clinician"),
                   status: Optional[str] = typer.Option(None, "--status")) -> None:
        """List leave (optionally of one clinician / one status)."""
        from ..workflows import leave

        rows = _run(lambda: leave.list_leave(_open(workspace), clinician, status))
        typer.echo("leave_id\tclinician\ttype\tstart\tend\tduration\tstatus")
        for lv in rows:
            typer.echo(f"{lv.leave_id}\t{lv.clinician_id}\t{lv.leave_type.value}\t{lv.start_date}\t{lv.end_date}"
                       f"\t{lv.duration.value}\t{lv.status.value}")

    # ------------------------------------------------------------------ swaps
    @swap_app.command("request")
    def swap_request(
        workspace: Path = WS_ARG,
        requester: str = typer.Argument(..., help="clinician giving the shift"),
        shift_id: int = typer.Argument(..., help="the requester's shift"),
        to: Optional[str] = typer.Option(None, "--to", help="give the shift to this clinician"),
        with_shift: Optional[int] = typer.Option(None, "--with-shift", help="exchange for this shift of another clinician"),
        reason: Optional[str] = typer.Option(None, "--reason"),
        actor: str = ACTOR,
    ) -> None:
        """Request a swap (validated now, applied when an administrator approves it)."""
        from ..workflows import swaps

        req = _run(lambda: swaps.request_swap(_open(workspace), requester, shift_id, to_clinician=to,
                                              shift_b=with_shift, reason=reason, actor=actor))
        typer.echo(f"swap {req.swap_id}: REQUESTED ({req.kind}: shift {req.shift_a} -> {req.target_clinician})")

    @swap_app.command("approve")
    def swap_approve(workspace: Path = WS_ARG, swap_id: str = typer.Argument(...),
                     note: Optional[str] = typer.Option(None, "--note"), actor: str = ACTOR,
                     today: Optional[str] = TODAY) -> None:
        """Approve and apply a swap (re-validated against the current rota)."""
        from ..workflows import swaps

        t = _date(today, "--today")
        _run(lambda: swaps.approve_swap(_open(workspace), swap_id, actor=actor, note=note, today=t))
        typer.echo(f"swap {swap_id}: APPROVED")

    @swap_app.command("reject")
    def swap_reject(workspace: Path = WS_ARG, swap_id: str = typer.Argument(...),
                    note: Optional[str] = typer.Option(None, "--note"), actor: str = ACTOR) -> None:
        """Reject a swap request."""
        from ..workflows import swaps

        _run(lambda: swaps.reject_swap(_open(workspace), swap_id, actor=actor, note=note))
        typer.echo(f"swap {swap_id}: REJECTED")

    @swap_app.command("cancel")
    def swap_cancel(workspace: Path = WS_ARG, swap_id: str = typer.Argument(...),
                    by: str = typer.Option("cli", "--by", "--actor", help="who cancels (recorded in the audit log)"),
                    note: Optional[str] = typer.Option(None, "--note")) -> None:
        """Cancel a REQUESTED swap (the requester withdraws it)."""
        from ..workflows import swaps

        _run(lambda: swaps.cancel_swap(_open(workspace), swap_id, actor=by, note=note))
        typer.echo(f"swap {swap_id}: CANCELLED")

    @swap_app.command("list")
    def swap_list(workspace: Path = WS_ARG,
                  status: str = typer.Option("open", "--status", help="open (REQUESTED only, the default) or all")
                  ) -> None:
        """List swap requests: the open ones, or all with their decisions."""
        from ..args import choice_arg
        from ..store import Workspace
        from ..workflows import swaps

        wanted = _run(lambda: choice_arg(status, "--status", ("OPEN", "ALL")))
        rows = _run(lambda: swaps.list_swaps(Workspace.open(workspace, read_only=True),
                                             "REQUESTED" if wanted == "OPEN" else None))
        typer.echo("swap_id\tkind\trequester\tshift_a\tshift_b\tto\tdate\tstatus\tdecided_by\treason")
        for q in rows:
            typer.echo(f"{q.swap_id}\t{q.kind}\t{q.requester}\t{q.shift_a}\t{'' if q.shift_b is None else q.shift_b}"
                       f"\t{q.target_clinician}\t{q.target_date}\t{q.status}\t{q.decided_by or ''}\t{q.reason or ''}")
        if not rows:
            typer.echo("(no open swaps)" if wanted == "OPEN" else "(no swaps)")

    # ------------------------------------------------------------------ the rota
    @app.command("shifts")
    def shifts(
        workspace: Path = WS_ARG,
        clinician: Optional[str] = typer.Option(None, "--clinician", help="only this clinician id"),
        start: Optional[str] = typer.Option(None, "--from", help="first date, YYYY-MM-DD"),
        end: Optional[str] = typer.Option(None, "--to", help="last date, YYYY-MM-DD"),
        fmt: str = typer.Option("table", "--format", help="table, csv or json"),
    ) -> None:
        """List the rota with shift ids (id, date, weekday, clinician, type, duration, status, pinned, origin)."""
        from ..args import choice_arg
        from ..store import Workspace
        from ..workflows.rota import ROTA_COLUMNS, rota_rows

        s, e = _date(start, "--from"), _date(end, "--to")
        form = _run(lambda: choice_arg(fmt, "--format", ("TABLE", "CSV", "JSON"))).lower()
        rows = _run(lambda: rota_rows(Workspace.open(workspace, read_only=True).load_snapshot(), clinician, s, e))
        if form == "json":
            import json

            typer.echo(json.dumps(rows, indent=2))
        elif form == "csv":
            import csv
            import io

            buf = io.StringIO()
            w = csv.DictWriter(buf, fieldnames=ROTA_COLUMNS, lineterminator="\n")
            w.writeheader()
            w.writerows({**r, "pinned": "yes" if r["pinned"] else "no"} for r in rows)
            typer.echo(buf.getvalue(), nl=False)
        else:
            table = [[str(r[c]) if c != "pinned" else ("pinned" if r[c] else "") for c in ROTA_COLUMNS] for r in rows]
            widths = [max([len(c)] + [len(t[i]) for t in table]) for i, c in enumerate(ROTA_COLUMNS)]
            typer.echo("  ".join(c.ljust(w) for c, w in zip(ROTA_COLUMNS, widths)).rstrip())
            for t in table:
                typer.echo("  ".join(v.ljust(w) for v, w in zip(t, widths)).rstrip())
            typer.echo(f"{len(rows)} shift(s)")

    # ------------------------------------------------------------------ shifts
    @shift_app.command("add")
    def shift_add(
        workspace: Path = WS_ARG,
        clinician: str = typer.Argument(...),
        day: str = typer.Argument(..., help="YYYY-MM-DD"),
        shift_type: str = typer.Option("STANDARD", "--type", help="STANDARD, DUTY, STUDY_LEAVE or CORONERS"),
        half_day: bool = typer.Option(False, "--half-day"),
        pin: bool = typer.Option(True, "--pin/--no-pin", help="pinned (the default): kept through regeneration and "
                                 "rebalance; --no-pin lets the generator replace it"),
        _pinned: bool = typer.Option(False, "--pinned", hidden=True, help="the default now; kept for old scripts"),
        actor: str = ACTOR,
        today: Optional[str] = TODAY,
    ) -> None:
        """Add a shift (eligibility checked); pinned unless --no-pin."""
        from ..workflows import adjustments as adj

        d, t = _date(day, "date"), _date(today, "--today")
        s = _run(lambda: adj.add_shift(_open(workspace), clinician, d, actor=actor, shift_type=shift_type,
                                       duration="HALF" if half_day else "FULL", pinned=pin, today=t))
        typer.echo(f"shift {s.shift_id}: {s.clinician_id} {s.date} {s.shift_type.value} added"
                   + (", pinned" if s.is_pinned else ", not pinned"))

    @shift_app.command("move")
    def shift_move(
        workspace: Path = WS_ARG,
        shift_id: int = typer.Argument(...),
        to_date: Optional[str] = typer.Option(None, "--to-date", help="new date, YYYY-MM-DD"),
        to_clinician: Optional[str] = typer.Option(None, "--to-clinician"),
        pin: bool = typer.Option(True, "--pin/--no-pin", help="pin the moved shift (the default) so a rebalance keeps "
                                 "it; --no-pin leaves its pin as it was"),
        actor: str = ACTOR,
        today: Optional[str] = TODAY,
    ) -> None:
        """Move a shift to another date and/or clinician; the moved shift is pinned unless --no-pin."""
        from ..workflows import adjustments as adj

        d, t = _date(to_date, "--to-date"), _date(today, "--today")
        s = _run(lambda: adj.move_shift(_open(workspace), shift_id, actor=actor, to_date=d,
                                        to_clinician=to_clinician, today=t, pin=pin))
        typer.echo(f"shift {shift_id}: now {s.clinician_id} {s.date}" + (", pinned" if s.is_pinned else ", not pinned"))

    @shift_app.command("delete")
    def shift_delete(workspace: Path = WS_ARG, shift_id: int = typer.Argument(...), actor: str = ACTOR,
                     today: Optional[str] = TODAY) -> None:
        """Delete a shift."""
        from ..workflows import adjustments as adj

        t = _date(today, "--today")
        _run(lambda: adj.delete_shift(_open(workspace), shift_id, actor=actor, today=t))
        typer.echo(f"shift {shift_id}: deleted")

    @shift_app.command("pin")
    def shift_pin(workspace: Path = WS_ARG, shift_id: int = typer.Argument(...), actor: str = ACTOR) -> None:
        """Pin a shift (regeneration keeps it)."""
        from ..workflows import adjustments as adj

        _run(lambda: adj.pin_shift(_open(workspace), shift_id, actor=actor))
        typer.echo(f"shift {shift_id}: pinned")

    @shift_app.command("unpin")
    def shift_unpin(workspace: Path = WS_ARG, shift_id: int = typer.Argument(...), actor: str = ACTOR) -> None:
        """Unpin a shift."""
        from ..workflows import adjustments as adj

        _run(lambda: adj.unpin_shift(_open(workspace), shift_id, actor=actor))
        typer.echo(f"shift {shift_id}: unpinned")

    # ------------------------------------------------------------------ locums
    @locum_app.command("book")
    def locum_book(
        workspace: Path = WS_ARG,
        clinician: str = typer.Argument(...),
        dates: List[str] = typer.Argument(..., help="one or more dates, YYYY-MM-DD"),
        booking_id: Optional[str] = typer.Option(None, "--id", help="booking id (default: generated)"),
        actor: str = ACTOR,
        today: Optional[str] = TODAY,
    ) -> None:
        """Book a clinician as a locum on the given dates (pinned shifts)."""
        from ..workflows.locums import book_locum

        days = [_date(d, "date") for d in dates]
        t = _date(today, "--today")
        out = _run(lambda: book_locum(_open(workspace), clinician, days, actor=actor, booking_id=booking_id, today=t))
        typer.echo(f"locum booking {out.booking.booking_id}: {len(out.shifts)} shift(s) for {clinician}")

    # ------------------------------------------------------------------ outbox
    @outbox_app.command("send")
    def outbox_send(
        workspace: Path = WS_ARG,
        limit: Optional[int] = typer.Option(None, "--limit", help="send at most this many messages"),
        max_attempts: int = typer.Option(5, "--max-attempts", help="give up after this many failed attempts"),
        host: Optional[str] = typer.Option(None, "--host", help="SMTP host (default: ROTACC_SMTP_HOST)"),
        port: Optional[int] = typer.Option(None, "--port", help="SMTP port (default: ROTACC_SMTP_PORT or 25)"),
    ) -> None:
        """Deliver due change notifications over SMTP (settings from ROTACC_SMTP_* variables)."""
        from ..workflows.notifications import OutboxSender
        from ..workflows.smtp import SmtpProvider, SmtpSettings

        def go():
            provider = SmtpProvider(SmtpSettings.from_env(host=host, port=port))
            return OutboxSender(_open(workspace), provider, max_attempts=max_attempts).run(limit=limit)

        report = _run(go)
        typer.echo(report.summary())

    @outbox_app.command("list")
    def outbox_list(workspace: Path = WS_ARG, status: Optional[str] = typer.Option(None, "--status")) -> None:
        """List outbox messages."""
        from ..workflows.notifications import list_outbox

        rows = _run(lambda: list_outbox(_open(workspace), status))
        typer.echo("message_id\tclinician\tto\tstatus\tattempts\tsubject\tlast_error")
        for r in rows:
            typer.echo(f"{r['message_id']}\t{r['clinician_id']}\t{r['to_address'] or ''}\t{r['status']}"
                       f"\t{r['attempts']}\t{r['subject']}\t{r['last_error'] or ''}")

    @outbox_app.command("requeue")
    def outbox_requeue(workspace: Path = WS_ARG, message_id: str = typer.Argument(...), actor: str = ACTOR) -> None:
        """Queue a FAILED message again (e.g. after checking an uncertain delivery)."""
        from ..workflows.notifications import requeue

        _run(lambda: requeue(_open(workspace), message_id, actor))
        typer.echo(f"message {message_id}: QUEUED")

    # ------------------------------------------------------------------ ICS
    @app.command("export-ics")
    def export_ics(
        workspace: Path = WS_ARG,
        folder: Path = typer.Argument(..., help="folder for the .ics files (created if missing): one <id>.ics "
                                      "per clinician"),
        clinician: Optional[List[str]] = typer.Option(None, "--clinician", help="only this clinician id "
                                                       "(repeatable; default: every clinician)"),
        start: Optional[str] = typer.Option(None, "--start", help="first date, YYYY-MM-DD"),
        end: Optional[str] = typer.Option(None, "--end", help="last date, YYYY-MM-DD"),
    ) -> None:
        """Write each clinician's shifts and approved leave as an iCalendar file, one .ics per clinician."""
        from ..errors import cannot_write
        from ..exports.ics import write_calendars
        from ..store import Workspace

        s, e = _date(start, "--start"), _date(end, "--end")

        def go():
            snap = Workspace.open(workspace, read_only=True).load_snapshot()
            return write_calendars(snap, folder, clinician or None, s, e)

        try:
            written = _run(go)
        except OSError as err:
            raise _fail(cannot_write(err.filename or folder, err))
        for path, events in written:
            typer.echo(f"wrote {path} ({events} events)")
        typer.echo(f"{len(written)} calendar(s) in {folder}")


def _echo_effects(out) -> None:
    """Print what an approval or cancellation did to the rota."""
    for s in out.removed:
        typer.echo(f"  removed shift {s.shift_id} on {s.date}")
    for s in out.shortened:
        typer.echo(f"  shortened shift {s.shift_id} on {s.date} to a half day")
    for s in out.conflicts:
        typer.echo(f"  conflict: pinned shift {s.shift_id} on {s.date} kept (see alerts)")
    if out.rebalance:
        typer.echo(f"  rebalance needed: {out.rebalance[0]} to {out.rebalance[1]}")
    if out.notifications:
        typer.echo(f"  {len(out.notifications)} notification(s) queued")
