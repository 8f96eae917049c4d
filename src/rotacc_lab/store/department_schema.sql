-- rotacc-lab DEPARTMENT workspace schema, VERSION 1.
-- A department workspace is its own kind of file (meta.kind = 'department') with its own
-- version sequence (meta.schema_version); it shares nothing with the practice schema in
-- schema.sql. Later versions will be numbered migrations in department_io.py; never edit
-- this file in a way that changes what version 1 means.
--
-- Every table that comes from a CSV file keeps the file's row order in `position`, so an
-- export writes the rows back in the order they were imported.

CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE department (
    name         VARCHAR NOT NULL CHECK (length(name) > 0),
    uk_nation    VARCHAR NOT NULL CHECK (uk_nation IN ('ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND')),
    period_start DATE NOT NULL CHECK (dayofweek(period_start) = 1),
    period_weeks INTEGER NOT NULL CHECK (period_weeks BETWEEN 1 AND 52),
    rules        JSON NOT NULL  -- RuleSet.overrides(): only the limits that differ from the defaults
);

CREATE TABLE shift_types (
    position   INTEGER NOT NULL UNIQUE,
    shift_type VARCHAR PRIMARY KEY CHECK (length(shift_type) > 0),
    name       VARCHAR NOT NULL,
    start_time TIME NOT NULL,
    end_time   TIME NOT NULL,
    clinical   BOOLEAN NOT NULL
);

CREATE TABLE doctors (
    position         INTEGER NOT NULL UNIQUE,
    doctor_id        VARCHAR PRIMARY KEY CHECK (length(doctor_id) > 0),
    name             VARCHAR NOT NULL,
    email            VARCHAR,
    group_name       VARCHAR NOT NULL,
    percentage       INTEGER NOT NULL CHECK (percentage BETWEEN 1 AND 100),
    shift_types      VARCHAR[] NOT NULL,  -- allowed codes; empty = all
    cannot_work_days INTEGER[] NOT NULL   -- 0 = Monday .. 6 = Sunday
);

CREATE TABLE quotas (
    position       INTEGER NOT NULL UNIQUE,
    applies_to     VARCHAR NOT NULL,  -- a group_name or a doctor_id
    shift_type     VARCHAR NOT NULL REFERENCES shift_types (shift_type),
    shifts         INTEGER NOT NULL CHECK (shifts >= 0),
    weekend_shifts INTEGER NOT NULL CHECK (weekend_shifts BETWEEN 0 AND shifts),
    UNIQUE (applies_to, shift_type)
);

CREATE TABLE demand (
    position      INTEGER NOT NULL UNIQUE,
    day_kind      VARCHAR NOT NULL CHECK (day_kind IN ('weekday', 'bank_holiday', 'date')),
    weekday       INTEGER CHECK (weekday BETWEEN 0 AND 6),
    day_date      DATE,
    shift_type    VARCHAR NOT NULL REFERENCES shift_types (shift_type),
    minimum       INTEGER NOT NULL CHECK (minimum >= 0),
    ideal         INTEGER NOT NULL CHECK (ideal >= minimum),
    group_name    VARCHAR,
    group_minimum INTEGER NOT NULL CHECK (group_minimum BETWEEN 0 AND minimum),
    CHECK ((day_kind = 'weekday') = (weekday IS NOT NULL)),
    CHECK ((day_kind = 'date') = (day_date IS NOT NULL)),
    CHECK ((group_name IS NULL) = (group_minimum = 0))
);

CREATE TABLE requests (
    position   INTEGER NOT NULL UNIQUE,
    doctor_id  VARCHAR NOT NULL REFERENCES doctors (doctor_id),
    start_date DATE NOT NULL,
    end_date   DATE NOT NULL CHECK (end_date >= start_date),
    kind       VARCHAR NOT NULL CHECK (kind IN ('ANNUAL_LEAVE', 'STUDY_LEAVE', 'OFF', 'WORK')),
    shift_type VARCHAR REFERENCES shift_types (shift_type),
    weight     INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 1000),
    CHECK (shift_type IS NULL OR kind = 'WORK')
);

CREATE TABLE commitments (
    position   INTEGER NOT NULL UNIQUE,
    doctor_id  VARCHAR NOT NULL REFERENCES doctors (doctor_id),
    weekday    INTEGER CHECK (weekday BETWEEN 0 AND 6),
    day_date   DATE,
    what       VARCHAR NOT NULL CHECK (what IN ('EDUCATION', 'RESEARCH', 'NON_CLINICAL')),
    shift_type VARCHAR REFERENCES shift_types (shift_type),
    CHECK ((weekday IS NULL) <> (day_date IS NULL))
);

CREATE TABLE rota (
    position   INTEGER NOT NULL UNIQUE,
    doctor_id  VARCHAR NOT NULL REFERENCES doctors (doctor_id),
    date       DATE NOT NULL,
    shift_type VARCHAR NOT NULL REFERENCES shift_types (shift_type),
    PRIMARY KEY (doctor_id, date, shift_type)
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
