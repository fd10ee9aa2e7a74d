package io.rpideploy.hostnames.boundary;

import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.hostnames.control.HostnameService.SlotFilter;
import io.rpideploy.hostnames.entity.SlotStatus;
import io.rpideploy.platform.control.DomainException;

/** The slot filters of the API's query parameters, each optional; a bad one is a 400 naming its parameter. */
final class SlotFilters {

    private SlotFilters() {
    }

    static SlotFilter of(String venueCode, String product, String status, String q) {
        return new SlotFilter(venueCode == null || venueCode.isBlank() ? null
                        : HostnameRules.venueCode(venueCode, "venue_code"),
                product == null || product.isBlank() ? null : HostnameRules.product(product, "product_type"),
                status(status), q == null || q.isBlank() ? null : q);
    }

    static SlotStatus status(String text) {
        return text == null || text.isBlank() ? null : SlotStatus.parse(text).orElseThrow(
                () -> DomainException.invalid("status", "Status must be available, assigned or retired"));
    }
}
