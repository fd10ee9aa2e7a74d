package io.rpideploy.hostnames.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.platform.control.DomainException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HostnameRulesTest {

    @ParameterizedTest
    @CsvSource({"coro,CORO", " Ab12 ,AB12", "0000,0000"})
    void venueCodesAreFourLettersOrDigitsUpperCase(String input, String expected) {
        assertEquals(expected, HostnameRules.venueCode(input, "code"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"COR", "CORON", "CO-O", "CÖRO", "CO O", ""})
    void otherVenueCodesAreRefusedNamingTheField(String input) {
        DomainException e = assertThrows(DomainException.class, () -> HostnameRules.venueCode(input, "venue_code"));
        assertEquals(DomainException.Kind.INVALID_INPUT, e.kind());
        assertEquals("venue_code", e.field());
    }

    @Test
    void kartIdentifiersAreZeroPaddedWithinOneTo999() {
        assertEquals("001", HostnameRules.kartIdentifier(1));
        assertEquals("042", HostnameRules.kartIdentifier(42));
        assertEquals("999", HostnameRules.kartIdentifier(999));
        assertThrows(DomainException.class, () -> HostnameRules.kartIdentifier(0));
        assertThrows(DomainException.class, () -> HostnameRules.kartIdentifier(1000));
    }

    @Test
    void rxp2TakesTheLastEightCharactersOfTheSerialUpperCase() {
        assertEquals("ABC12345", HostnameRules.serial("10000000abc12345", "s").hostnameIdentifier());
        assertEquals("ABC12345", HostnameRules.serial("abc12345", "s").hostnameIdentifier());
        assertEquals("C0FFEE", HostnameRules.serial("c0ffee", "s").hostnameIdentifier());
        assertEquals("RXP2-CORO-ABC12345", HostnameRules.hostname(Product.RXP2, "CORO",
                HostnameRules.serial("10000000ABC12345", "s").hostnameIdentifier()));
    }

    @ParameterizedTest
    @CsvSource({"2C:CF:67:12:34:56,2c:cf:67:12:34:56", "2c-cf-67-12-34-56,2c:cf:67:12:34:56",
            "2ccf67123456,2c:cf:67:12:34:56"})
    void macAddressesAreNormalised(String input, String expected) {
        assertEquals(expected, HostnameRules.mac(input, "mac_address").value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2c:cf:67:12:34", "2c:cf-67:12:34:56", "zz:cf:67:12:34:56", "2c:cf:67:12:34:56:78"})
    void malformedMacAddressesAreRefused(String input) {
        assertEquals("mac_address", assertThrows(DomainException.class,
                () -> HostnameRules.mac(input, "mac_address")).field());
    }

    @Test
    void absentIdentitiesAreNullNotErrors() {
        assertNull(HostnameRules.mac("  ", "mac_address"));
        assertNull(HostnameRules.serial(null, "serial_number"));
        assertEquals("10000000abcd1234", HostnameRules.serial(" 10000000ABCD1234 ", "serial_number").value());
        DomainException bad = assertThrows(DomainException.class, () -> HostnameRules.serial("12/34", "serial_number"));
        assertEquals("serial_number", bad.field());
        assertEquals("Serial number must be 4 to 64 letters or digits, got '12/34'", bad.getMessage());
    }

    @Test
    void hostnamesParseBackIntoTheirParts() {
        HostnameRules.ParsedHostname parsed = HostnameRules.parse("kxp2-coro-001", "hostname");
        assertEquals(Product.KXP2, parsed.product());
        assertEquals("CORO", parsed.venueCode());
        assertEquals("001", parsed.identifier());
        assertEquals("KXP2-CORO-001", parsed.hostname());
        assertThrows(DomainException.class, () -> HostnameRules.parse("KXP2-CORO", "hostname"));
        assertThrows(DomainException.class, () -> HostnameRules.parse("ABC1-CORO-001", "hostname"));
    }

    @Test
    void productTypesAreKxp2OrRxp2() {
        assertEquals(Product.RXP2, HostnameRules.product("rxp2", "product_type"));
        assertEquals("product_type", assertThrows(DomainException.class,
                () -> HostnameRules.product("KXP3", "product_type")).field());
    }

    @Test
    void notesAreTrimmedBlankIsNoneAndControlOrDirectionCharactersAreRefused() {
        assertEquals("sticker replaced\nkart in repair", HostnameRules.notes("  sticker replaced\nkart in repair "));
        assertNull(HostnameRules.notes("   "));
        for (String bad : new String[] {"a\u0007b", "kart \u202e710", "x".repeat(HostnameRules.MAX_NOTES + 1)}) {
            DomainException e = assertThrows(DomainException.class, () -> HostnameRules.notes(bad));
            assertEquals("notes", e.field());
        }
    }

    @Test
    void aSearchIsALowerCaseLikePatternWithoutWildcards() {
        assertEquals("%kxp2-coro-017%", HostnameRules.searchPattern(" KXP2-CORO-017 "));
        assertEquals("%abcd%", HostnameRules.searchPattern("ab%cd_"));
        assertNull(HostnameRules.searchPattern(" "));
        DomainException tooLong = assertThrows(DomainException.class,
                () -> HostnameRules.searchPattern("1".repeat(HostnameRules.MAX_QUERY + 1)));
        assertEquals("q", tooLong.field());
        assertEquals("q", assertThrows(DomainException.class, () -> HostnameRules.searchPattern("a\u202eb")).field());
    }
}
