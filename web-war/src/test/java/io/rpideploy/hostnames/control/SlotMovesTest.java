package io.rpideploy.hostnames.control;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.hostnames.entity.SlotStatus;
import io.rpideploy.platform.control.DomainException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SlotMovesTest {

    private static final String KART = "KXP2-CORO-017";

    @Test
    void aKartNumberIsPinnedToABoardThatHoldsNoOtherName() {
        assertDoesNotThrow(() -> SlotMoves.checkPin(KART, Product.KXP2, SlotStatus.AVAILABLE, Optional.empty()));
        assertDoesNotThrow(() -> SlotMoves.checkPin(KART, Product.KXP2, SlotStatus.ASSIGNED, Optional.empty()));
        assertDoesNotThrow(() -> SlotMoves.checkPin(KART, Product.KXP2, SlotStatus.ASSIGNED, Optional.of(KART)),
                "the board holding the name may be pinned to it");
    }

    @Test
    void aPinIsRefusedForARetiredOrRxp2NameOrABoardHoldingAnother() {
        assertNull(conflict(() -> SlotMoves.checkPin(KART, Product.KXP2, SlotStatus.RETIRED, Optional.empty())));
        assertNull(conflict(() -> SlotMoves.checkPin("RXP2-CORO-ABCD1234", Product.RXP2, SlotStatus.AVAILABLE,
                Optional.empty())));
        assertEquals("serial_number", conflict(() -> SlotMoves.checkPin(KART, Product.KXP2, SlotStatus.AVAILABLE,
                Optional.of("KXP2-CORO-005"))));
    }

    @Test
    void aHeldKartNumberMovesToANewBoard() {
        assertDoesNotThrow(() -> SlotMoves.checkReplace(KART, Product.KXP2, SlotStatus.ASSIGNED, "10000000aaaa0001",
                "10000000bbbb0002", Optional.empty()));
        assertDoesNotThrow(() -> SlotMoves.checkReplace(KART, Product.KXP2, SlotStatus.ASSIGNED, null,
                "10000000bbbb0002", Optional.empty()), "an old board known by its MAC only");
    }

    @Test
    void aReplacementIsRefusedWithoutAHolderForRxp2ForTheSameBoardAndForABoardWithAName() {
        assertTrue(message(() -> SlotMoves.checkReplace(KART, Product.KXP2, SlotStatus.AVAILABLE, null,
                "10000000bbbb0002", Optional.empty())).contains("pin it instead"));
        assertNull(conflict(() -> SlotMoves.checkReplace("RXP2-CORO-AAAA0001", Product.RXP2, SlotStatus.ASSIGNED,
                "10000000aaaa0001", "10000000bbbb0002", Optional.empty())));
        assertEquals("serial_number", conflict(() -> SlotMoves.checkReplace(KART, Product.KXP2, SlotStatus.ASSIGNED,
                "10000000aaaa0001", "10000000aaaa0001", Optional.empty())));
        assertEquals("serial_number", conflict(() -> SlotMoves.checkReplace(KART, Product.KXP2, SlotStatus.ASSIGNED,
                "10000000aaaa0001", "10000000bbbb0002", Optional.of("KXP2-CORO-002"))));
    }

    /** The field of the 409 the check throws. */
    private static String conflict(Executable check) {
        DomainException e = assertThrows(DomainException.class, check);
        assertEquals(DomainException.Kind.CONFLICT, e.kind(), e.getMessage());
        return e.field();
    }

    private static String message(Executable check) {
        return assertThrows(DomainException.class, check).getMessage();
    }
}
