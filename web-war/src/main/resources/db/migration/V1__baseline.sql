-- Baseline schema. Times are fixed-width UTC text (see InstantConverter); ids are SQLite rowids.

CREATE TABLE venue (
    id            INTEGER PRIMARY KEY,
    code          TEXT    NOT NULL UNIQUE CHECK (length(code) = 4 AND code = upper(code)),
    name          TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    location      TEXT,
    contact_email TEXT,
    created_at    TEXT    NOT NULL,
    version       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE device (
    id               INTEGER PRIMARY KEY,
    serial_number    TEXT UNIQUE,
    mac_address      TEXT UNIQUE,
    model            TEXT,
    first_seen       TEXT NOT NULL,
    last_seen        TEXT NOT NULL,
    current_hostname TEXT,
    CHECK (serial_number IS NOT NULL OR mac_address IS NOT NULL)
);

CREATE TABLE hostname_slot (
    id           INTEGER PRIMARY KEY,
    product_type TEXT    NOT NULL CHECK (product_type IN ('KXP2', 'RXP2')),
    venue_id     INTEGER NOT NULL REFERENCES venue (id),
    identifier   TEXT    NOT NULL,
    hostname     TEXT    NOT NULL UNIQUE,
    status       TEXT    NOT NULL CHECK (status IN ('available', 'assigned', 'retired')),
    device_id    INTEGER REFERENCES device (id),
    assigned_at  TEXT,
    notes        TEXT,
    created_at   TEXT    NOT NULL,
    UNIQUE (product_type, venue_id, identifier),
    CHECK ((status = 'assigned') = (device_id IS NOT NULL))
);
-- "lowest available number of this venue" is one index range scan
CREATE INDEX hostname_slot_pick ON hostname_slot (venue_id, product_type, status, identifier);
CREATE INDEX hostname_slot_device ON hostname_slot (device_id);

CREATE TABLE master_image (
    id           INTEGER PRIMARY KEY,
    filename     TEXT    NOT NULL UNIQUE,
    product_type TEXT    NOT NULL CHECK (product_type IN ('KXP2', 'RXP2')),
    version      TEXT    NOT NULL,
    size_bytes   INTEGER,
    checksum     TEXT,
    description  TEXT,
    is_active    INTEGER NOT NULL DEFAULT 0,
    uploaded_at  TEXT    NOT NULL
);

CREATE TABLE deployment (
    id            INTEGER PRIMARY KEY,
    device_id     INTEGER REFERENCES device (id),
    hostname      TEXT,
    mac_address   TEXT,
    serial_number TEXT,
    ip_address    TEXT,
    product_type  TEXT,
    venue_code    TEXT,
    image_id      INTEGER REFERENCES master_image (id),
    image_version TEXT,
    status        TEXT    NOT NULL,
    started_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    completed_at  TEXT,
    error_message TEXT
);
CREATE INDEX deployment_started ON deployment (started_at);
CREATE INDEX deployment_venue ON deployment (venue_code, status);

CREATE TABLE audit_event (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT,
    details TEXT
);
CREATE INDEX audit_event_at ON audit_event (at);

CREATE TABLE user_account (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    enabled       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
