package io.rpideploy.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"Coronado \u202eevil", "a\u2066b", "tab\there", "nul\u0000", "bell\u0007", "c1\u0085",
            "lone \ud800 high", "lone \udc00 low", "rlm\u200f"})
    void controlAndDirectionCharactersAreRefused(String text) {
        DomainException e = assertThrows(DomainException.class, () -> TextRules.line("name", "Venue name", text, 100));
        assertEquals("name", e.field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Coronado Speedway", "Kartbahn Müllheim", "東京サーキット", "Karting 🏎 club", "O'Brien & Sons"})
    void ordinaryTextPasses(String text) {
        assertEquals(text, TextRules.line("name", "Venue name", "  " + text + " ", 100));
    }

    @ParameterizedTest
    @ValueSource(strings = {"line one\nline two", "a\tb"})
    void notesMayBreakLines(String text) {
        assertEquals(text, TextRules.multiline("notes", "Notes", text, 100));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void blankIsAbsent(String text) {
        assertNull(TextRules.line("location", "Location", text, 10));
    }

    @ParameterizedTest
    @ValueSource(ints = {11, 50})
    void tooLongIsRefused(int length) {
        assertThrows(DomainException.class, () -> TextRules.line("x", "X", "a".repeat(length), 10));
    }
}
