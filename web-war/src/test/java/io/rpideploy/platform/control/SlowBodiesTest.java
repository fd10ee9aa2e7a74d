package io.rpideploy.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlowBodiesTest {

    @Test
    void eachAddressGetsItsShareAndGivesItBack() {
        SlowBodies slow = new SlowBodies();
        slow.perAddress = 2;
        assertTrue(slow.enter("10.0.0.1"));
        assertTrue(slow.enter("10.0.0.1"));
        assertFalse(slow.enter("10.0.0.1"), "a third read from one address waits for none: it is refused");
        assertTrue(slow.enter("10.0.0.2"), "other addresses are not affected");
        slow.leave("10.0.0.1");
        assertTrue(slow.enter("10.0.0.1"));
        slow.leave("10.0.0.1");
        slow.leave("10.0.0.1");
        assertEquals(0, slow.reading("10.0.0.1"));
    }
}
