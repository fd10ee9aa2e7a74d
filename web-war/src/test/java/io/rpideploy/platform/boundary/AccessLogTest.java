package io.rpideploy.platform.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AccessLogTest {

    @Test
    void aFieldCannotEndItsQuotesOrStartANewLine() {
        String forged = "curl\" 200 \"x\n\"10.0.0.9\" \"admin\"\u0007\\";
        assertEquals("\"curl\\\" 200 \\\"x\\x0a\\\"10.0.0.9\\\" \\\"admin\\\"\\x07\\\\\"",
                AccessLog.quoted(new StringBuilder(), forged).toString());
    }

    @Test
    void ordinaryTextIsKeptAsItIs() {
        assertEquals("\"Mozilla/5.0 (X11; Linux) – é\"",
                AccessLog.quoted(new StringBuilder(), "Mozilla/5.0 (X11; Linux) – é").toString());
    }
}
