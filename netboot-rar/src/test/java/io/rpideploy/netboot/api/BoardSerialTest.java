package io.rpideploy.netboot.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BoardSerialTest {

    @Test
    void aHardwareSerialIsEightToSixteenHexDigitsLowerCase() {
        assertEquals("10000000abcd1234", BoardSerial.of(" 0x10000000ABCD1234 ").value());
        assertEquals("abcd1234", BoardSerial.of("ABCD1234").suffix());
        assertEquals("abcd1234", BoardSerial.of("10000000abcd1234").suffix());
        assertTrue(BoardSerial.of("abcd1234").isSuffixOnly());
        assertFalse(BoardSerial.of("10000000abcd1234").isSuffixOnly());
        assertEquals(BoardSerial.of("ABCD1234"), BoardSerial.of("abcd1234"));
        assertEquals("abcd1234", BoardSerial.of("ABCD1234").toString());
        assertThrows(IllegalArgumentException.class, () -> new BoardSerial("0xabcd1234"));
        assertThrows(IllegalArgumentException.class, () -> new BoardSerial("ABCD1234"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abcd123", "10000000abcd12345", "abcdefgh", "abc-1234", ""})
    void otherTextIsNotABoardSerial(String text) {
        assertNull(BoardSerial.parse(text));
        assertThrows(IllegalArgumentException.class, () -> BoardSerial.of(text));
    }

    @Test
    void aTftpPrefixIsExactlyEightLowerCaseDigits() {
        assertEquals(BoardSerial.of("abcd1234"), BoardSerial.parseSuffix("abcd1234"));
        assertNull(BoardSerial.parseSuffix("ABCD1234"), "the bootloader asks lower-case");
        assertNull(BoardSerial.parseSuffix("10000000abcd1234"));
    }

    @Test
    void theFullSerialAndItsSuffixAreTheSameBoard() {
        assertTrue(BoardSerial.of("10000000abcd1234").sameBoard(BoardSerial.of("abcd1234")));
        assertFalse(BoardSerial.of("10000000abcd1234").sameBoard(BoardSerial.of("abcd1235")));
    }
}
