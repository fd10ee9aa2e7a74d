package io.rpideploy.venues.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rpideploy.platform.control.DomainException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VenueRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"<script>alert(1)</script>@x.io", "a@b.c\"><img src=x>", "x@<b>.com", "a b@c.de",
            "\"quoted\"@x.de", "a@b", "a@b.c", "@b.de", "a@@b.de"})
    void addressesWithMarkupOrWithoutADomainAreRefused(String text) {
        DomainException e = assertThrows(DomainException.class, () -> VenueRules.contactEmail(text));
        assertEquals("contact_email", e.field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ops@coronado.example", "first.last+karts@sub.example.co.uk", "o_brien@x-y.de"})
    void ordinaryAddressesPass(String text) {
        assertEquals(text, VenueRules.contactEmail(text));
    }
}
