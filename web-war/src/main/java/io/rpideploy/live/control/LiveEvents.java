package io.rpideploy.live.control;

import io.rpideploy.deployments.control.DeploymentProgressed;
import io.rpideploy.deployments.control.DeploymentStarted;
import io.rpideploy.deployments.control.DeploymentStateChanged;
import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.hostnames.control.HostnameAssigned;
import io.rpideploy.netboot.control.BootFileRequested;
import io.rpideploy.netboot.control.BootFileTransferred;
import io.rpideploy.netboot.control.LeaseGranted;
import io.rpideploy.netboot.control.RogueDhcpServerSeen;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

/** Turns the application's events into the JSON the console receives, once their transaction has committed. */
@ApplicationScoped
public class LiveEvents {

    /** Looked up once: {@code Json.createXxx} runs a ServiceLoader lookup on every call (a profile of status updates
     * showed it in a fifth of the samples). */
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    LiveHub hub;

    void hostnameAssigned(@Observes(during = TransactionPhase.AFTER_SUCCESS) HostnameAssigned event) {
        JsonObjectBuilder json = JSON.createObjectBuilder()
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
        JsonObjectBuilder json = JSON.createObjectBuilder()
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
        JsonObjectBuilder json = JSON.createObjectBuilder()
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
        if (hub.watchers() == 0) {
            return; // nobody watching: no JSON to build
        }
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("type", "deployment.progress")
                .add("deployment_id", event.deploymentId())
                .add("status", event.state())
                .add("at", event.at().toString());
        addNullable(json, "hostname", event.hostname());
        if (event.message() != null) { // absent, not null: the console keeps the last message it had
            json.add("message", event.message());
        }
        figures(json, event.progress(), event.bytesWritten(), event.bytesTotal(), event.rateBps());
        hub.publishCoalesced(key(event.deploymentId()), json.build().toString());
    }

    /** DHCP steps of one board are coalesced (a board repeats DISCOVERs; the latest step is what matters). */
    void leaseGranted(@Observes(during = TransactionPhase.AFTER_SUCCESS) LeaseGranted event) {
        if (hub.watchers() == 0) {
            return; // nobody watching: no JSON to build
        }
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("type", "netboot.dhcp")
                .add("message", event.message())
                .add("at", event.at().toString());
        addNullable(json, "reply", event.reply());
        addNullable(json, "mac_address", event.mac());
        addNullable(json, "ip_address", event.ip());
        addNullable(json, "client_kind", event.clientKind());
        addNullable(json, "pi_serial", event.piSerial());
        addNullable(json, "detail", event.detail());
        hub.publishCoalesced("dhcp-" + event.mac(), json.build().toString());
    }

    /** Outside any transaction: observed at once; one board's requests are coalesced (it asks for many files). */
    void bootFileRequested(@Observes BootFileRequested event) {
        if (hub.watchers() == 0) {
            return; // nobody watching: no JSON to build
        }
        hub.publishCoalesced("tftp-" + event.ip(), JSON.createObjectBuilder()
                .add("type", "netboot.tftp.started")
                .add("ip_address", event.ip())
                .add("file", event.file())
                .add("at", event.at().toString()).build().toString());
    }

    void bootFileTransferred(@Observes(during = TransactionPhase.AFTER_SUCCESS) BootFileTransferred event) {
        if (hub.watchers() == 0) {
            return; // nobody watching: no JSON to build
        }
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("type", "netboot.tftp")
                .add("ip_address", event.ip())
                .add("file", event.file())
                .add("bytes", event.bytes())
                .add("duration_ms", event.durationMs())
                .add("outcome", event.outcome())
                .add("at", event.at().toString());
        addNullable(json, "mac_address", event.mac());
        addNullable(json, "detail", event.detail());
        hub.publish(json.build().toString());
    }

    void rogueDhcpServer(@Observes(during = TransactionPhase.AFTER_SUCCESS) RogueDhcpServerSeen event) {
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("type", "netboot.rogue")
                .add("server_ip", event.serverIp())
                .add("at", event.at().toString());
        addNullable(json, "server_mac", event.serverMac());
        hub.publish(json.build().toString());
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
