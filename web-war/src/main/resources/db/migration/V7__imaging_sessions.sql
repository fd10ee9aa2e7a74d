-- Imaging sessions (issue 16): a venue and product that boards asking /api/config without them are imaged for,
-- optionally with a count, an image other than the active one, and a list of the only boards it takes.
CREATE TABLE imaging_session (
    id           INTEGER PRIMARY KEY,
    venue_code   TEXT    NOT NULL CHECK (length(venue_code) = 4),
    product_type TEXT    NOT NULL CHECK (product_type IN ('KXP2', 'RXP2')),
    board_count  INTEGER CHECK (board_count IS NULL OR board_count > 0),
    image_id     INTEGER REFERENCES master_image (id),
    -- the serial numbers it only takes, space-separated and normalised; NULL: any board
    serials      TEXT,
    opened_at    TEXT    NOT NULL,
    opened_by    TEXT    NOT NULL,
    closed_at    TEXT,
    closed_by    TEXT,
    close_reason TEXT
);
-- the open sessions, oldest first, on every /api/config
CREATE INDEX imaging_session_open ON imaging_session (closed_at, opened_at, id);

ALTER TABLE deployment ADD COLUMN session_id INTEGER REFERENCES imaging_session (id);
CREATE INDEX deployment_session ON deployment (session_id, id);

-- a kart number pinned to one board's serial (only that board takes it), and the serial a replaced board had
ALTER TABLE hostname_slot ADD COLUMN pinned_serial TEXT;
ALTER TABLE hostname_slot ADD COLUMN replaced_serial TEXT;
CREATE UNIQUE INDEX hostname_slot_pinned ON hostname_slot (pinned_serial) WHERE pinned_serial IS NOT NULL;
