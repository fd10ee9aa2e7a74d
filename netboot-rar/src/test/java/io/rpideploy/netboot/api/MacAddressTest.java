package io.rpideploy.netboot.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"2C:CF:67:12:34:56", "2c-cf-67-12-34-56", "2ccf67123456", " 2c:cf:67:12:34:56 "})
    void everyCommonNotationIsLowerCaseColonForm(String text) {
        MacAddress mac = MacAddress.of(text);
        assertEquals("2c:cf:67:12:34:56", mac.value());
        assertEquals(MacAddress.of("2c:cf:67:12:34:56"), mac);
        assertEquals(MacAddress.of("2c:cf:67:12:34:56").hashCode(), mac.hashCode());
        assertEquals("2c:cf:67:12:34:56", mac.toString());
    }

    @Test
    void theConstructorTakesOnlyTheColonForm() {
        assertEquals(MacAddress.of("2ccf67123456"), new MacAddress("2c:cf:67:12:34:56"));
        assertThrows(IllegalArgumentException.class, () -> new MacAddress("2c-cf-67-12-34-56"));
        assertThrows(IllegalArgumentException.class, () -> new MacAddress("2C:CF:67:12:34:56"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "2c:cf:67:12:34", "2c:cf-67:12:34:56", "zz:cf:67:12:34:56", "2c:cf:67:12:34:56:78",
            "2ccf6712345"})
    void otherTextIsNotAMacAddress(String text) {
        assertNull(MacAddress.parse(text));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(text));
    }

    @Test
    void fromAChaddrAndBackAsThePiAsksForIt() {
        MacAddress mac = MacAddress.of(new byte[] {0x2c, (byte) 0xcf, 0x67, 0x12, 0x34, 0x56, 0, 0});
        assertEquals("2c:cf:67:12:34:56", mac.value());
        assertEquals("2c:cf:67", mac.oui());
        assertEquals("2c-cf-67-12-34-56", mac.dashed());
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(new byte[5]));
    }
}
