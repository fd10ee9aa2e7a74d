package io.rpideploy.netboot.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SerialNumberTest {

    @Test
    void aReportedSerialIsTrimmedAndLowerCase() {
        assertEquals("10000000abcd1234", SerialNumber.of(" 10000000ABCD1234 ").value());
        assertEquals(SerialNumber.of("ABC12345XYZ"), SerialNumber.of("abc12345xyz"));
        assertEquals(SerialNumber.of("abc12345xyz").hashCode(), SerialNumber.of("ABC12345XYZ").hashCode());
        assertNotEquals(SerialNumber.of("abc12345"), SerialNumber.of("abc12346"));
        assertEquals("10000000abcd1234", SerialNumber.of("10000000abcd1234").toString(), "as stored and shown");
    }

    @Test
    void theConstructorTakesOnlyTheNormalisedForm() {
        assertEquals(SerialNumber.of("abc12345"), new SerialNumber("abc12345"));
        assertThrows(IllegalArgumentException.class, () -> new SerialNumber("ABC12345"));
        assertThrows(IllegalArgumentException.class, () -> new SerialNumber(" abc12345"));
        assertThrows(IllegalArgumentException.class, () -> new SerialNumber(null));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "abc", "12/34", "ab cd", "séri", "0123456789012345678901234567890123456789"
            + "01234567890123456789012345"})
    void anythingButFourToSixtyFourLettersOrDigitsIsNone(String text) {
        assertNull(SerialNumber.parse(text));
        assertThrows(IllegalArgumentException.class, () -> SerialNumber.of(text));
    }

    @Test
    void theSuffixIsTheLastEightCharactersAndTheHostnamePartItsUpperCase() {
        SerialNumber pi = SerialNumber.of("10000000ABC12345");
        assertEquals("abc12345", pi.suffix());
        assertEquals("ABC12345", pi.hostnameIdentifier());
        assertEquals("ABC12345", SerialNumber.of("abc12345").hostnameIdentifier());
        assertEquals("C0FFEE", SerialNumber.of("c0ffee").hostnameIdentifier(), "a shorter serial is all suffix");
        assertEquals(64, SerialNumber.of("a".repeat(64)).value().length());
    }

    @Test
    void aHexSerialIsTheBoardTheNetworkKnowsByItsSuffix() {
        SerialNumber reported = SerialNumber.of("10000000AABBCCDD");
        BoardSerial fromOption97 = BoardSerial.of("aabbccdd");
        assertEquals(fromOption97.suffix(), reported.suffix());
        assertTrue(reported.sameBoard(fromOption97));
        assertTrue(reported.sameBoard(reported.board()));
        assertFalse(reported.sameBoard(BoardSerial.of("aabbccde")));
        assertFalse(reported.sameBoard(null));
        assertNull(SerialNumber.of("serialXYZ123").board(), "not hex: no hardware serial");
        assertEquals(reported, BoardSerial.of("0x10000000aabbccdd").serialNumber());
    }
}
