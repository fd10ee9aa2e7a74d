-- Deployment progress and timeline. A progress tick only updates the deployment row (in batches, see
-- ProgressBuffer); deployment_event gets one row per state change, so the table grows ~7 rows per board run.

ALTER TABLE deployment ADD COLUMN progress INTEGER CHECK (progress BETWEEN 0 AND 100);
ALTER TABLE deployment ADD COLUMN bytes_written INTEGER;
ALTER TABLE deployment ADD COLUMN bytes_total INTEGER;
ALTER TABLE deployment ADD COLUMN rate_bps INTEGER;
ALTER TABLE deployment ADD COLUMN message TEXT;
-- when the board last spoke (updated_at also moves when the server changes the row, e.g. the watchdog)
ALTER TABLE deployment ADD COLUMN last_seen_at TEXT;
UPDATE deployment SET last_seen_at = updated_at WHERE last_seen_at IS NULL;

CREATE TABLE deployment_event (
    id            INTEGER PRIMARY KEY,
    deployment_id INTEGER NOT NULL REFERENCES deployment (id),
    state         TEXT    NOT NULL CHECK (state IN ('started', 'starting', 'downloading', 'verifying',
                                                    'customizing', 'success', 'failed', 'interrupted')),
    at            TEXT    NOT NULL,
    message       TEXT,
    progress      INTEGER CHECK (progress BETWEEN 0 AND 100),
    bytes_written INTEGER,
    bytes_total   INTEGER,
    rate_bps      INTEGER
);
-- a board's timeline in order
CREATE INDEX deployment_event_timeline ON deployment_event (deployment_id, at, id);

-- matching a status report to its deployment: the board's latest (highest id) by serial, MAC or hostname
CREATE INDEX deployment_serial ON deployment (serial_number, id);
CREATE INDEX deployment_mac ON deployment (mac_address, id);
CREATE INDEX deployment_hostname ON deployment (hostname, id);
-- the watchdog (active and silent) and the dashboard's active count
CREATE INDEX deployment_status_seen ON deployment (status, last_seen_at);
-- history filters (venue_code + status, started_at exist in V1)
CREATE INDEX deployment_product ON deployment (product_type, status);
CREATE INDEX deployment_device ON deployment (device_id, id);
