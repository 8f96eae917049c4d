-- rotacc-lab care-home PROVIDER workspace schema, VERSION 2 (2: cover.day, dated cover rows).
-- Its own kind of file (meta.kind = 'provider') with its own version sequence; it shares
-- nothing with the practice schema (schema.sql) or the department schema. Money is whole
-- pence. Every table from a CSV file keeps the file's row order in `position`.

CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE provider (
    name                     VARCHAR NOT NULL CHECK (length(name) > 0),
    uk_nation                VARCHAR NOT NULL CHECK (uk_nation IN ('ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND')),
    horizon_start            DATE NOT NULL CHECK (dayofweek(horizon_start) = 1),
    horizon_days             INTEGER NOT NULL CHECK (horizon_days BETWEEN 1 AND 366),
    night_uplift_percent     DECIMAL(6, 2) NOT NULL CHECK (night_uplift_percent BETWEEN 0 AND 200),
    overtime_multiplier      DECIMAL(6, 2) NOT NULL CHECK (overtime_multiplier BETWEEN 1 AND 5),
    overtime_period          VARCHAR NOT NULL CHECK (overtime_period IN ('week', 'horizon')),
    bank_holiday_multiplier  DECIMAL(6, 2) NOT NULL CHECK (bank_holiday_multiplier BETWEEN 1 AND 5),
    work_down                BOOLEAN NOT NULL,
    agency_max_share_percent INTEGER NOT NULL CHECK (agency_max_share_percent BETWEEN 0 AND 100),
    shortfall_penalty_pence  BIGINT NOT NULL CHECK (shortfall_penalty_pence > 0),
    rules                    JSON NOT NULL  -- RuleSet.overrides(care_rules()): what differs from the care defaults
);

CREATE TABLE homes (
    position INTEGER NOT NULL UNIQUE,
    home_id  VARCHAR PRIMARY KEY CHECK (length(home_id) > 0),
    name     VARCHAR NOT NULL
);

CREATE TABLE units (
    position INTEGER NOT NULL UNIQUE,
    unit_id  VARCHAR PRIMARY KEY CHECK (length(unit_id) > 0),
    home_id  VARCHAR NOT NULL REFERENCES homes (home_id),
    name     VARCHAR NOT NULL,
    beds     INTEGER NOT NULL CHECK (beds BETWEEN 1 AND 500)
);

CREATE TABLE roles (
    position          INTEGER NOT NULL UNIQUE,
    role              VARCHAR PRIMARY KEY CHECK (length(role) > 0),
    name              VARCHAR NOT NULL,
    seniority         INTEGER NOT NULL UNIQUE CHECK (seniority BETWEEN 1 AND 99),
    hourly_rate_pence BIGINT NOT NULL CHECK (hourly_rate_pence > 0)
);

CREATE TABLE shift_types (
    position   INTEGER NOT NULL UNIQUE,
    shift_type VARCHAR PRIMARY KEY CHECK (length(shift_type) > 0),
    name       VARCHAR NOT NULL,
    start_time TIME NOT NULL,
    end_time   TIME NOT NULL,
    clinical   BOOLEAN NOT NULL,
    roles      VARCHAR[] NOT NULL  -- roles that may work it; empty = every role
);

CREATE TABLE staff (
    position          INTEGER NOT NULL UNIQUE,
    staff_id          VARCHAR PRIMARY KEY CHECK (length(staff_id) > 0),
    name              VARCHAR NOT NULL,
    email             VARCHAR,
    role              VARCHAR NOT NULL REFERENCES roles (role),
    home_id           VARCHAR NOT NULL REFERENCES homes (home_id),
    unit_id           VARCHAR REFERENCES units (unit_id),
    employment        VARCHAR NOT NULL CHECK (employment IN ('PERMANENT', 'BANK')),
    contract_hours    DECIMAL(6, 2) NOT NULL CHECK (contract_hours BETWEEN 0 AND 60),
    floats            BOOLEAN NOT NULL,
    hourly_rate_pence BIGINT CHECK (hourly_rate_pence > 0),
    opted_out         BOOLEAN NOT NULL,
    cannot_work_days  INTEGER[] NOT NULL,
    CHECK ((employment = 'BANK') = (contract_hours = 0))
);

CREATE TABLE agency_rates (
    position           INTEGER NOT NULL UNIQUE,
    role               VARCHAR NOT NULL REFERENCES roles (role),
    shift_type         VARCHAR NOT NULL REFERENCES shift_types (shift_type),
    weekday_pence      BIGINT NOT NULL CHECK (weekday_pence > 0),
    weekend_pence      BIGINT CHECK (weekend_pence > 0),
    bank_holiday_pence BIGINT CHECK (bank_holiday_pence > 0),
    UNIQUE (role, shift_type)
);

CREATE TABLE cover (
    position   INTEGER NOT NULL UNIQUE,
    unit_id    VARCHAR NOT NULL REFERENCES units (unit_id),
    shift_type VARCHAR NOT NULL REFERENCES shift_types (shift_type),
    role       VARCHAR REFERENCES roles (role),  -- NULL: any role
    minimum    INTEGER NOT NULL CHECK (minimum BETWEEN 0 AND 100),
    ideal      INTEGER NOT NULL CHECK (ideal BETWEEN minimum AND 100),
    day        DATE  -- NULL: every day; a date: replaces the row of its unit, shift type and role on that day
);

CREATE TABLE skill_mix (
    position INTEGER NOT NULL UNIQUE,
    unit_id  VARCHAR REFERENCES units (unit_id),  -- NULL: every unit without a row of its own
    shifts   VARCHAR NOT NULL CHECK (shifts IN ('day', 'night', 'all')),
    role     VARCHAR NOT NULL REFERENCES roles (role),
    one_per  INTEGER NOT NULL CHECK (one_per BETWEEN 1 AND 100)
);

CREATE TABLE leave (
    position   INTEGER NOT NULL UNIQUE,
    staff_id   VARCHAR NOT NULL REFERENCES staff (staff_id),
    start_date DATE NOT NULL,
    end_date   DATE NOT NULL CHECK (end_date >= start_date),
    kind       VARCHAR NOT NULL CHECK (kind IN ('ANNUAL', 'SICK', 'TRAINING', 'PERSONAL', 'UNPAID')),
    status     VARCHAR NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLED'))
);

CREATE SEQUENCE audit_seq START 1;

CREATE TABLE audit_log (
    audit_id  BIGINT PRIMARY KEY,
    "at"      TIMESTAMP NOT NULL,
    actor     VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,
    entity    VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    before    JSON,
    after     JSON
);
