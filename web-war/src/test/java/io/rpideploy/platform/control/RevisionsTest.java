package io.rpideploy.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RevisionsTest {

    @Test
    void ifMatchNamesAVersionAnyOrNothingOfOurs() {
        assertEquals(7L, Revisions.expected("\"7\""));
        assertNull(Revisions.expected(null));
        assertNull(Revisions.expected("*"));
        assertEquals(-1L, Revisions.expected("W/\"7\""), "a weak tag never matches If-Match");
        assertEquals(-1L, Revisions.expected("\"abc\""));
        assertEquals(-1L, Revisions.expected("7"), "unquoted: not an entity tag");
    }

    @Test
    void aChangeFromAStaleCopyIsRefusedWithWhoChangedIt() {
        Revisions.require(3, null, "Venue CORO", "admin");
        Revisions.require(3, 3L, "Venue CORO", "admin");
        DomainException stale = assertThrows(DomainException.class,
                () -> Revisions.require(4, 3L, "Venue CORO", "ops1 at 2026-12-06T10:02:11Z"));
        assertEquals(DomainException.Kind.PRECONDITION_FAILED, stale.kind());
        assertTrue(stale.getMessage().contains("changed by ops1 at 2026-12-06T10:02:11Z meanwhile"),
                stale.getMessage());
    }
}
