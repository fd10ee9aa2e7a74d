-- Network boot: the DHCP server's leases (one row per client MAC, its latest state) and what the DHCP and TFTP
-- servers did (a board's network boot before its installer runs).

CREATE TABLE dhcp_lease (
    id          INTEGER PRIMARY KEY,
    mac_address TEXT    NOT NULL UNIQUE,
    ip_address  TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('bound', 'released', 'declined', 'expired')),
    expires_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    client_kind TEXT,
    pi_serial   TEXT,
    host_name   TEXT
);
CREATE INDEX dhcp_lease_ip ON dhcp_lease (ip_address);

CREATE TABLE netboot_event (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    protocol    TEXT    NOT NULL CHECK (protocol IN ('dhcp', 'tftp')),
    -- dhcp: the reply or action (ACK, NAK, RELEASE, DECLINE, INFORM, ROGUE); tftp: the transfer's outcome
    kind        TEXT    NOT NULL,
    mac_address TEXT,
    pi_serial   TEXT,
    ip_address  TEXT,
    client_kind TEXT,
    file_name   TEXT,
    bytes       INTEGER,
    duration_ms INTEGER,
    block_size  INTEGER,
    window_size INTEGER,
    detail      TEXT
);
CREATE INDEX netboot_event_at ON netboot_event (at);
CREATE INDEX netboot_event_mac ON netboot_event (mac_address, at);

-- netboot once: a board whose deployment succeeded boots from its card unless an operator asks for re-imaging
ALTER TABLE device ADD COLUMN reimage_requested INTEGER NOT NULL DEFAULT 0;
