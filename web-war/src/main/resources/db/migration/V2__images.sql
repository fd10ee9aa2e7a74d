-- Image registry: formats, uncompressed digests, notes, who uploaded, activation history, soft delete.
-- A deleted image keeps its row (deployments refer to it and the foreign keys are enforced); its file is gone.

ALTER TABLE master_image ADD COLUMN format TEXT NOT NULL DEFAULT 'img' CHECK (format IN ('img', 'gz', 'xz', 'zst'));
ALTER TABLE master_image ADD COLUMN original_filename TEXT;
-- size and SHA-256 of the raw image inside a compressed file; NULL when unknown (raw images: same as served)
ALTER TABLE master_image ADD COLUMN uncompressed_size INTEGER;
ALTER TABLE master_image ADD COLUMN uncompressed_checksum TEXT;
ALTER TABLE master_image ADD COLUMN notes TEXT;
ALTER TABLE master_image ADD COLUMN uploaded_by TEXT;
ALTER TABLE master_image ADD COLUMN activated_at TEXT;
-- the image that was active for the product when this one was activated: what a rollback returns to
ALTER TABLE master_image ADD COLUMN previous_image_id INTEGER REFERENCES master_image (id);
ALTER TABLE master_image ADD COLUMN deleted_at TEXT;

-- at most one active image per product, whatever the application does
CREATE UNIQUE INDEX master_image_one_active ON master_image (product_type) WHERE is_active = 1;
CREATE INDEX master_image_product ON master_image (product_type, uploaded_at);
