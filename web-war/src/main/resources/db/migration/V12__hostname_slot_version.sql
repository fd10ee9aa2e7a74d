-- A slot's notes are edited by managers: optimistic locking as for venues, images and users (V9). Every change of
-- the row raises it (JPA @Version), an assignment or release too, so a note saved from a stale row is refused with
-- who changed it meanwhile. Search by hostname or serial goes through the hostname's unique index and a scan of a
-- venue's slots (a few thousand at most); no new index.
ALTER TABLE hostname_slot ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
