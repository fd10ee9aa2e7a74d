-- A bmaptool block map (.bmap, format 2.x) stored beside an image file: which blocks hold data, with a SHA-256
-- per range, so the installer writes only those. The map is served only while its file still has the SHA-256 and
-- size recorded here (a file dropped into the folder by hand, or changed after it was checked, is never served).
ALTER TABLE master_image ADD COLUMN bmap_checksum TEXT;
ALTER TABLE master_image ADD COLUMN bmap_size INTEGER;
