package io.rpideploy.live.control;

import io.rpideploy.hostnames.control.HostnameAssigned;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;

/** Turns the application's events into the JSON the console receives, once their transaction has committed. */
@ApplicationScoped
public class LiveEvents {

    @Inject
    LiveHub hub;

    void hostnameAssigned(@Observes(during = TransactionPhase.AFTER_SUCCESS) HostnameAssigned event) {
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("type", "hostname.assigned")
                .add("hostname", event.hostname())
                .add("product_type", event.productType())
                .add("venue_code", event.venueCode())
                .add("reused", event.reused())
                .add("at", event.at().toString());
        addNullable(json, "serial_number", event.serialNumber());
        addNullable(json, "mac_address", event.macAddress());
        hub.publish(json.build().toString());
    }

    static void addNullable(JsonObjectBuilder json, String name, String value) {
        if (value == null) {
            json.addNull(name);
        } else {
            json.add(name, value);
        }
    }
}
