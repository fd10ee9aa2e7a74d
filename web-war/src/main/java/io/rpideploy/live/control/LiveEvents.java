package io.rpideploy.live.control;

import io.rpideploy.deployments.control.DeploymentProgressed;
import io.rpideploy.deployments.control.DeploymentStarted;
import io.rpideploy.deployments.control.DeploymentStateChanged;
import io.rpideploy.deployments.entity.DeploymentState;
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

    void deploymentStarted(@Observes(during = TransactionPhase.AFTER_SUCCESS) DeploymentStarted event) {
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("type", "deployment.started")
                .add("deployment_id", event.deploymentId())
                .add("status", "started")
                .add("at", event.at().toString());
        addNullable(json, "hostname", event.hostname());
        addNullable(json, "serial_number", event.serialNumber());
        addNullable(json, "product_type", event.productType());
        addNullable(json, "venue_code", event.venueCode());
        addNullable(json, "image_version", event.imageVersion());
        hub.publish(json.build().toString());
    }

    void deploymentStateChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) DeploymentStateChanged event) {
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("type", "deployment.state")
                .add("deployment_id", event.deploymentId())
                .add("status", event.to())
                .add("at", event.at().toString());
        addNullable(json, "from", event.from());
        addNullable(json, "hostname", event.hostname());
        addNullable(json, "serial_number", event.serialNumber());
        addNullable(json, "message", event.message());
        figures(json, event.progress(), event.bytesWritten(), event.bytesTotal(), event.rateBps());
        String key = key(event.deploymentId());
        if (DeploymentState.parse(event.to()).map(DeploymentState::isFinal).orElse(false)) {
            hub.finish(key); // a progress message still waiting must not arrive after the final state
        }
        hub.publish(json.build().toString());
    }

    void deploymentProgressed(@Observes(during = TransactionPhase.AFTER_SUCCESS) DeploymentProgressed event) {
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("type", "deployment.progress")
                .add("deployment_id", event.deploymentId())
                .add("status", event.state())
                .add("at", event.at().toString());
        addNullable(json, "hostname", event.hostname());
        figures(json, event.progress(), event.bytesWritten(), event.bytesTotal(), event.rateBps());
        hub.publishCoalesced(key(event.deploymentId()), json.build().toString());
    }

    private static String key(long deploymentId) {
        return "deployment-" + deploymentId;
    }

    private static void figures(JsonObjectBuilder json, Integer progress, Long written, Long total, Long rate) {
        if (progress != null) {
            json.add("progress", progress);
        }
        if (written != null) {
            json.add("bytes_written", written);
        }
        if (total != null) {
            json.add("bytes_total", total);
        }
        if (rate != null) {
            json.add("rate_bps", rate);
        }
    }

    static void addNullable(JsonObjectBuilder json, String name, String value) {
        if (value == null) {
            json.addNull(name);
        } else {
            json.add(name, value);
        }
    }
}
