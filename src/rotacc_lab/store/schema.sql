-- rotacc-lab workspace schema, VERSION 1 (the initial schema).
-- Later versions are reached by the numbered migrations in migrations.py; never edit
-- this file in a way that changes what version 1 means.
--
-- Enumerations are stored as their upper-case names (see rotacc_lab.domain) and
-- guarded by CHECK constraints. Weekday lists hold 'MON'..'FRI'.

CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- Settings as flat dotted keys (the same keys as the xlsx 'settings' sheet), JSON values.
CREATE TABLE settings (
    key   VARCHAR PRIMARY KEY,
    value JSON NOT NULL
);

CREATE SEQUENCE shift_seq START 1;
CREATE SEQUENCE audit_seq START 1;
CREATE SEQUENCE run_seq START 1;
CREATE SEQUENCE alert_seq START 1;

CREATE TABLE clinicians (
    clinician_id   VARCHAR PRIMARY KEY CHECK (length(clinician_id) > 0),
    name           VARCHAR NOT NULL,
    email          VARCHAR,
    clinician_type VARCHAR NOT NULL
        CHECK (clinician_type IN ('PARTNER', 'SALARIED', 'LOCUM', 'FY_DOCTOR', 'ST_DOCTOR'))
);

CREATE TABLE working_terms (
    term_id                  VARCHAR PRIMARY KEY CHECK (length(term_id) > 0),
    clinician_id             VARCHAR NOT NULL REFERENCES clinicians (clinician_id),
    term_type                VARCHAR NOT NULL
        CHECK (term_type IN ('PARTNER', 'SALARIED', 'ALTERNATE_WEEKS', 'LOCUM', 'FY_DOCTOR', 'ST_DOCTOR')),
    start_date               DATE NOT NULL,
    end_date                 DATE CHECK (end_date IS NULL OR end_date >= start_date),
    percentage               INTEGER NOT NULL CHECK (percentage BETWEEN 0 AND 100),
    fixed_working_days       VARCHAR[] NOT NULL CHECK (list_has_all(['MON', 'TUE', 'WED', 'THU', 'FRI'], fixed_working_days)),
    must_work_days           VARCHAR[] NOT NULL CHECK (list_has_all(['MON', 'TUE', 'WED', 'THU', 'FRI'], must_work_days)),
    cannot_work_days         VARCHAR[] NOT NULL CHECK (list_has_all(['MON', 'TUE', 'WED', 'THU', 'FRI'], cannot_work_days)),
    week_a_days              VARCHAR[] NOT NULL CHECK (list_has_all(['MON', 'TUE', 'WED', 'THU', 'FRI'], week_a_days)),
    week_b_days              VARCHAR[] NOT NULL CHECK (list_has_all(['MON', 'TUE', 'WED', 'THU', 'FRI'], week_b_days)),
    minimum_shifts_per_week  INTEGER CHECK (minimum_shifts_per_week IS NULL OR minimum_shifts_per_week >= 0),
    max_shifts_per_week      INTEGER CHECK (max_shifts_per_week IS NULL OR max_shifts_per_week >= 0),
    annual_leave_entitlement DECIMAL(9, 2) CHECK (annual_leave_entitlement IS NULL OR annual_leave_entitlement >= 0),
    CHECK (minimum_shifts_per_week IS NULL OR max_shifts_per_week IS NULL
           OR minimum_shifts_per_week <= max_shifts_per_week),
    -- a week-A/B pattern exactly on alternate-weeks terms
    CHECK ((term_type = 'ALTERNATE_WEEKS') = (len(week_a_days) + len(week_b_days) > 0))
);

CREATE TABLE leave (
    leave_id     VARCHAR PRIMARY KEY CHECK (length(leave_id) > 0),
    clinician_id VARCHAR NOT NULL REFERENCES clinicians (clinician_id),
    leave_type   VARCHAR NOT NULL
        CHECK (leave_type IN ('ANNUAL_LEAVE', 'STUDY_LEAVE', 'PLANNED_SICK', 'CORONERS', 'NOT_WORKING')),
    start_date   DATE NOT NULL,
    end_date     DATE NOT NULL CHECK (end_date >= start_date),
    status       VARCHAR NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLED')),
    duration     VARCHAR NOT NULL CHECK (duration IN ('FULL', 'HALF'))
);

CREATE TABLE sick_leave (
    sick_id      VARCHAR PRIMARY KEY CHECK (length(sick_id) > 0),
    clinician_id VARCHAR NOT NULL REFERENCES clinicians (clinician_id),
    start_date   DATE NOT NULL,
    end_date     DATE CHECK (end_date IS NULL OR end_date >= start_date)
);

CREATE TABLE locum_bookings (
    booking_id   VARCHAR PRIMARY KEY CHECK (length(booking_id) > 0),
    clinician_id VARCHAR NOT NULL REFERENCES clinicians (clinician_id),
    dates        DATE[] NOT NULL CHECK (len(dates) > 0)
);

-- At most one non-cancelled shift per clinician and date: a live shift has cancel_key 0,
-- a cancelled one has cancel_key = shift_id, and (clinician_id, date, cancel_key) is unique.
CREATE TABLE shifts (
    shift_id     BIGINT PRIMARY KEY CHECK (shift_id > 0),
    clinician_id VARCHAR NOT NULL REFERENCES clinicians (clinician_id),
    date         DATE NOT NULL,
    shift_type   VARCHAR NOT NULL CHECK (shift_type IN ('STANDARD', 'DUTY', 'STUDY_LEAVE', 'CORONERS')),
    duration     VARCHAR NOT NULL CHECK (duration IN ('FULL', 'HALF')),
    status       VARCHAR NOT NULL CHECK (status IN ('SCHEDULED', 'COMPLETED', 'CANCELLED')),
    is_pinned    BOOLEAN NOT NULL,
    origin       VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    cancel_key   BIGINT NOT NULL,
    CHECK ((status = 'CANCELLED') = (cancel_key <> 0)),
    CHECK (cancel_key = 0 OR cancel_key = shift_id),
    UNIQUE (clinician_id, date, cancel_key)
);

CREATE TABLE leave_adjustments (
    adjustment_id VARCHAR PRIMARY KEY CHECK (length(adjustment_id) > 0),
    term_id       VARCHAR NOT NULL REFERENCES working_terms (term_id),
    amount        DECIMAL(9, 2) NOT NULL,
    reason        VARCHAR NOT NULL
);

-- clinician_ids: one id = that clinician; several = any one of the group.
-- (DuckDB cannot put a foreign key on list elements; the importer checks the ids.)
CREATE TABLE trainer_requirements (
    requirement_id VARCHAR PRIMARY KEY CHECK (length(requirement_id) > 0),
    weekday        VARCHAR NOT NULL CHECK (weekday IN ('MON', 'TUE', 'WED', 'THU', 'FRI')),
    clinician_ids  VARCHAR[] NOT NULL CHECK (len(clinician_ids) > 0)
);

CREATE TABLE affinity_pairs (
    clinician_a VARCHAR NOT NULL REFERENCES clinicians (clinician_id),
    clinician_b VARCHAR NOT NULL REFERENCES clinicians (clinician_id),
    PRIMARY KEY (clinician_a, clinician_b),
    CHECK (clinician_a <> clinician_b)
);

CREATE TABLE generation_runs (
    run_id       BIGINT PRIMARY KEY,
    start_date   DATE NOT NULL,
    end_date     DATE NOT NULL CHECK (end_date >= start_date),
    phases       INTEGER[] NOT NULL,
    params       JSON NOT NULL,
    status       VARCHAR NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED')),
    actor        VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    started_at   TIMESTAMP,
    completed_at TIMESTAMP,
    stats        JSON,
    error        VARCHAR
);

CREATE TABLE audit_log (
    audit_id  BIGINT PRIMARY KEY,
    "at"      TIMESTAMP NOT NULL,  -- quoted: AT is a keyword
    actor     VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,
    entity    VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    before    JSON,
    after     JSON,
    run_id    BIGINT
);

-- clinician_id is deliberately not a foreign key: alerts are history and survive a re-import.
CREATE TABLE alerts (
    alert_id     BIGINT PRIMARY KEY,
    run_id       BIGINT REFERENCES generation_runs (run_id),
    kind         VARCHAR NOT NULL CHECK (length(kind) > 0),
    date         DATE,
    clinician_id VARCHAR,
    message      VARCHAR NOT NULL,
    severity     VARCHAR NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    created_at   TIMESTAMP NOT NULL,
    resolved_at  TIMESTAMP
);
