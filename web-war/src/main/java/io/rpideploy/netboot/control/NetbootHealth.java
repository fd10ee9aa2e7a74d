package io.rpideploy.netboot.control;

import io.rpideploy.netboot.api.NetbootStatus;
import io.rpideploy.platform.control.HealthContribution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code checks.netboot}: the adapter runs and each server is up or disabled; a server that cannot bind, or a
 * netboot setting of the application's that does not parse, makes the whole server DOWN (boards cannot boot).
 */
@ApplicationScoped
public class NetbootHealth implements HealthContribution {

    @Inject
    NetbootConfig config;

    @Override
    public String name() {
        return "netboot";
    }

    @Override
    public JsonObject check() {
        JsonObjectBuilder netboot = JSON.createObjectBuilder();
        try {
            Optional<Instant> since = NetbootStatus.adapterStartedAt();
            boolean serversUp = true;
            JsonObjectBuilder servers = JSON.createObjectBuilder();
            for (Map.Entry<String, NetbootStatus.Engine> e : new TreeMap<>(NetbootStatus.engines()).entrySet()) {
                NetbootStatus.Engine engine = e.getValue();
                serversUp &= engine.healthy();
                JsonObjectBuilder server = JSON.createObjectBuilder().add("status", engine.state().label())
                        .add("since", engine.since().toString());
                if (engine.detail() != null) {
                    server.add("message", engine.detail());
                }
                servers.add(e.getKey(), server);
            }
            List<String> problems = config.problems();
            if (!problems.isEmpty()) {
                netboot.add("settings", JSON.createArrayBuilder(problems));
            }
            netboot.add("status", since.isPresent() && serversUp && problems.isEmpty() ? "up" : "down");
            since.ifPresent(s -> netboot.add("adapter_started_at", s.toString()));
            netboot.add("servers", servers);
        } catch (LinkageError noAdapter) {
            // the rar is not deployed (or was deployed after this war): its classes are not visible
            netboot.add("status", "down").add("message", "netboot adapter not deployed");
        }
        return netboot.build();
    }

    @Override
    public boolean healthy(JsonObject check) {
        return "up".equals(check.getString("status"));
    }
}
