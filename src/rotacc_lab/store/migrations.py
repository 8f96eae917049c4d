"""Schema versions of a workspace file and the migrations between them.

Version 1 is ``schema.sql`` exactly. Every later version is one entry in
``MIGRATIONS``: a number, a one-line description and the SQL that takes a file
from the previous version to this one. ``migrate`` applies the missing ones in
order, each in its own transaction together with the ``schema_version`` bump,
so a file is never left half-migrated. New migrations are appended; published
ones are never edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import duckdb

from ..errors import RotaccError


#: the activity table; every kind of workspace that forecasts demand creates it with this SQL
ACTIVITY_SQL = """
CREATE TABLE activity (
    series VARCHAR NOT NULL CHECK (regexp_full_match(series, '[a-z][a-z0-9_]{0,39}')),
    date   DATE NOT NULL,
    value  DOUBLE NOT NULL CHECK (isfinite(value) AND value >= 0),
    PRIMARY KEY (series, date)
);
"""


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        2,
        "index the audit log by entity so `history` stays fast on long-lived workspaces",
        "CREATE INDEX audit_entity_idx ON audit_log (entity, entity_id);",
    ),
    Migration(
        3,
        "workflows: swap requests and the notification outbox (see rotacc_lab.workflows, docs/workflows.md)",
        """
        CREATE TABLE swap_requests (
            swap_id          VARCHAR PRIMARY KEY CHECK (length(swap_id) > 0),
            kind             VARCHAR NOT NULL CHECK (kind IN ('GIVE', 'EXCHANGE')),
            requester        VARCHAR NOT NULL REFERENCES clinicians (clinician_id),
            shift_a          BIGINT NOT NULL,
            shift_b          BIGINT,
            target_clinician VARCHAR NOT NULL REFERENCES clinicians (clinician_id),
            target_date      DATE NOT NULL,
            status           VARCHAR NOT NULL CHECK (status IN ('REQUESTED', 'APPROVED', 'REJECTED', 'CANCELLED')),
            reason           VARCHAR,
            decided_by       VARCHAR,
            decision_note    VARCHAR,
            created_at       TIMESTAMP NOT NULL,
            decided_at       TIMESTAMP,
            CHECK ((kind = 'EXCHANGE') = (shift_b IS NOT NULL))
        );
        CREATE TABLE outbox (
            message_id          VARCHAR PRIMARY KEY CHECK (length(message_id) > 0),
            clinician_id        VARCHAR,
            to_address          VARCHAR,
            subject             VARCHAR NOT NULL,
            body                VARCHAR NOT NULL,
            status              VARCHAR NOT NULL CHECK (status IN ('QUEUED', 'SENDING', 'SENT', 'FAILED')),
            attempts            INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at     TIMESTAMP NOT NULL,
            claimed_at          TIMESTAMP,
            provider_message_id VARCHAR,
            created_at          TIMESTAMP NOT NULL,
            sent_at             TIMESTAMP,
            last_error          VARCHAR,
            CHECK ((status = 'SENT') = (sent_at IS NOT NULL)),
            CHECK (status <> 'SENDING' OR claimed_at IS NOT NULL)
        );
        """,
    ),
    Migration(
        4,
        "generation runs record the process that owns them (host, PID, start time), so a run whose process died"
        " is marked FAILED instead of blocking the next generation",
        """
        ALTER TABLE generation_runs ADD COLUMN owner_host VARCHAR;
        ALTER TABLE generation_runs ADD COLUMN owner_pid BIGINT;
        ALTER TABLE generation_runs ADD COLUMN owner_started DOUBLE;
        """,
    ),
    Migration(
        5,
        "activity: daily activity series that demand is forecast from (see rotacc_lab.forecast, docs/forecasting.md)",
        ACTIVITY_SQL,
    ),
    Migration(
        6,
        "leave_adjustments.term_id is checked by the committer instead of a DuckDB foreign key, which refuses "
        "any UPDATE of a referenced term (so a term with adjustments could not change in one transaction)",
        """
        CREATE TABLE leave_adjustments_v6 (
            adjustment_id VARCHAR PRIMARY KEY CHECK (length(adjustment_id) > 0),
            term_id       VARCHAR NOT NULL CHECK (length(term_id) > 0),
            amount        DECIMAL(9, 2) NOT NULL,
            reason        VARCHAR NOT NULL
        );
        INSERT INTO leave_adjustments_v6 SELECT adjustment_id, term_id, amount, reason FROM leave_adjustments;
        DROP TABLE leave_adjustments;
        ALTER TABLE leave_adjustments_v6 RENAME TO leave_adjustments;
        """,
    ),
    Migration(
        7,
        "alerts that resolve: who resolved an alert and why (resolved_at was there from version 1); a new "
        "generation supersedes the open alerts of earlier runs in its range, `alerts resolve` closes one by hand",
        """
        ALTER TABLE alerts ADD COLUMN resolved_by VARCHAR;
        ALTER TABLE alerts ADD COLUMN resolution_note VARCHAR;
        CREATE INDEX alerts_open_idx ON alerts (resolved_at, date);
        """,
    ),
)

#: the version a workspace created by this code has
SCHEMA_VERSION = MIGRATIONS[-1].version if MIGRATIONS else 1


def initial_schema_sql() -> str:
    """The SQL of schema version 1 (``store/schema.sql``)."""
    return resources.files("rotacc_lab.store").joinpath("schema.sql").read_text(encoding="utf-8")


def create_version_1(con: duckdb.DuckDBPyConnection) -> None:
    """Create the version-1 schema and its meta rows in an empty database."""
    con.execute("BEGIN")
    con.execute(initial_schema_sql())
    con.execute(
        "INSERT INTO meta VALUES ('schema_version', '1'), ('data_version', '0'),"
        " ('created_at', CAST(current_timestamp AS VARCHAR))"
    )
    con.execute("COMMIT")


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The practice schema version; a workspace of another kind (``meta.kind``) is refused, never migrated."""
    kind = con.execute("SELECT value FROM meta WHERE key = 'kind'").fetchall()
    if kind and kind[0][0] != "practice":
        raise RotaccError(f"this is a {kind[0][0]} workspace, not a practice; use the {kind[0][0]} commands "
                          "(see `rotacc-lab --help`)")
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    row = rows[0] if rows else None
    if row is None:
        raise RotaccError("workspace has no schema_version in its meta table; it is not a rotacc-lab workspace")
    return int(row[0])


def pending(version: int) -> list[Migration]:
    """Migrations a file at ``version`` still needs, in order."""
    return [m for m in MIGRATIONS if m.version > version]


def migrate(con: duckdb.DuckDBPyConnection, target: int = SCHEMA_VERSION) -> list[int]:
    """Apply every missing migration up to ``target``; return the versions applied."""
    applied = []
    for m in pending(schema_version(con)):
        if m.version > target:
            break
        con.execute("BEGIN")
        try:
            con.execute(m.sql)
            con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(m.version)])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(m.version)
    return applied
