-- Alerts (issue 16): what an operator must see and acknowledge on the Dashboard: a failed board, a rogue DHCP
-- server, low disk, a boot environment that is not ready. One row per raising; its cause names what it is about.
CREATE TABLE alert (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('FAILED_BOARD', 'ROGUE_DHCP', 'LOW_DISK', 'BOOT_ENVIRONMENT')),
    -- what it is about, e.g. "deployment 17", "rogue-dhcp 192.168.151.7", "low-disk /srv/rpideploy/images"
    cause           TEXT    NOT NULL,
    message         TEXT    NOT NULL,
    raised_at       TEXT    NOT NULL,
    -- a condition (disk, boot environment) that went away again; the alert still waits for its acknowledgement
    cleared_at      TEXT,
    acknowledged_at TEXT,
    acknowledged_by TEXT
);
-- raised once per cause: never two unacknowledged alerts about the same thing (also the open list's index)
CREATE UNIQUE INDEX alert_open_cause ON alert (cause) WHERE acknowledged_at IS NULL;
CREATE INDEX alert_cause ON alert (cause, id);
