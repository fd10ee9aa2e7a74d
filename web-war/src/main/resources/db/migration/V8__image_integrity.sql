-- Whether an image's file is still what was registered: the file's modification time when it was last hashed (a
-- different one on open means it was touched: not served until hashed again), when that was, and the verdict.
ALTER TABLE master_image ADD COLUMN file_modified_at TEXT;
ALTER TABLE master_image ADD COLUMN verified_at TEXT;
ALTER TABLE master_image ADD COLUMN integrity TEXT NOT NULL DEFAULT 'ok' CHECK (integrity IN ('ok', 'changed', 'corrupt'));
ALTER TABLE master_image ADD COLUMN integrity_message TEXT;
