-- Optimistic locking of what managers edit (venue has had its version since V1): each change of a row raises it
-- (JPA @Version), and it is also the row's HTTP entity tag; a save made from an older version is refused instead of
-- silently undoing the other change. master_image's own "version" column is the image's release, hence row_version.
ALTER TABLE master_image ADD COLUMN row_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user_account ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
