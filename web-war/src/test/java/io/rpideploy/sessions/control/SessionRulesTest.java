package io.rpideploy.sessions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.sessions.control.SessionRules.Candidate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionRulesTest {

    private static final Candidate CORO_KXP2 = new Candidate(1, Product.KXP2, "CORO", List.of());
    private static final Candidate BRNO_RXP2 = new Candidate(2, Product.RXP2, "BRNO", List.of());
    private static final Candidate CORO_KXP2_LATER = new Candidate(3, Product.KXP2, "CORO", List.of());
    private static final Candidate TEST_BOARD = new Candidate(4, Product.KXP2, "CORO", List.of("10000000aaaa0001"));
    private static final SerialNumber LISTED = SerialNumber.of("10000000aaaa0001");
    private static final SerialNumber OTHER = SerialNumber.of("10000000bbbb0002");

    @Test
    void noOpenSessionMeansNone() {
        assertEquals(Optional.empty(), SessionRules.select(List.of(), null, null, OTHER));
    }

    @Test
    void withoutProductOrVenueTheOldestOpenSessionIsTaken() {
        assertEquals(1, select(List.of(CORO_KXP2, BRNO_RXP2, CORO_KXP2_LATER), null, null, OTHER));
        assertEquals(2, select(List.of(BRNO_RXP2, CORO_KXP2), null, null, OTHER));
    }

    @Test
    void theBoardsProductOrVenuePicksAmongTheOpenSessions() {
        assertEquals(2, select(List.of(CORO_KXP2, BRNO_RXP2), Product.RXP2, null, OTHER));
        assertEquals(1, select(List.of(CORO_KXP2, BRNO_RXP2, CORO_KXP2_LATER), Product.KXP2, null, OTHER));
        assertEquals(2, select(List.of(CORO_KXP2, BRNO_RXP2), null, "BRNO", OTHER));
        assertEquals(Optional.empty(), SessionRules.select(List.of(CORO_KXP2), Product.RXP2, null, OTHER));
        assertEquals(Optional.empty(), SessionRules.select(List.of(CORO_KXP2), null, "BRNO", OTHER));
    }

    @Test
    void aSessionWithSerialsTakesOnlyThoseBoardsAndComesFirstForThem() {
        assertEquals(4, select(List.of(CORO_KXP2, TEST_BOARD), null, null, LISTED));
        assertEquals(1, select(List.of(CORO_KXP2, TEST_BOARD), null, null, OTHER));
        // an unlisted board falls back to the configured defaults when no other session takes it
        assertEquals(Optional.empty(), SessionRules.select(List.of(TEST_BOARD), null, null, OTHER));
        // a board known only by its MAC is on no list
        assertEquals(Optional.empty(), SessionRules.select(List.of(TEST_BOARD), null, null, null));
    }

    @Test
    void aCountClosesTheSessionWhenReached() {
        assertFalse(SessionRules.countReached(null, 500));
        assertFalse(SessionRules.countReached(3, 2));
        assertTrue(SessionRules.countReached(3, 3));
    }

    @Test
    void countIsOneToTheLargestKartNumberOrNothing() {
        assertNull(SessionRules.count(null));
        assertEquals(20, SessionRules.count(20L));
        assertEquals("count", assertThrows(DomainException.class, () -> SessionRules.count(0L)).field());
        assertEquals("count", assertThrows(DomainException.class, () -> SessionRules.count(1000L)).field());
    }

    @Test
    void pastedSerialsAreNormalisedDeduplicatedAndAHeaderIsSkipped() {
        assertEquals(List.of("10000000aaaa0001", "10000000bbbb0002"), SessionRules.serials(
                SessionRules.split("serial_number\n10000000AAAA0001\r\n10000000bbbb0002, 10000000aaaa0001;")));
        assertEquals(List.of(), SessionRules.serials(SessionRules.split("  ")));
        DomainException bad = assertThrows(DomainException.class,
                () -> SessionRules.serials(List.of("10000000aaaa0001", "no-such!")));
        assertEquals("serials", bad.field());
        assertTrue(bad.getMessage().startsWith("Item 2"), bad.getMessage());
    }

    private static long select(List<Candidate> open, Product product, String venue, SerialNumber serial) {
        return SessionRules.select(open, product, venue, serial).orElseThrow().id();
    }
}
