package io.rpideploy.ops.doctor;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The parts of the server's own {@code /health} the doctor turns into verdicts: netboot and the boot environment. */
public final class HealthChecks {

    private HealthChecks() {
    }

    /**
     * "netboot adapter": {@code checks.netboot} is {@code up} (the adapter runs and no server is down); with a
     * deployment interface configured, DHCP and TFTP must both be up, not merely disabled.
     */
    public static Finding netboot(Health health, boolean interfaceConfigured) {
        String check = "netboot adapter (DHCP/TFTP)";
        if (health == null || !health.answered()) {
            return Finding.notChecked(check, "the server does not answer");
        }
        JsonObject netboot = health.check("netboot").orElse(null);
        if (netboot == null) {
            return Finding.fail(check, "/health has no netboot entry", "is netboot-rar deployed? see the log");
        }
        List<String> servers = new ArrayList<>();
        List<String> notServing = new ArrayList<>();
        if (netboot.get("servers") instanceof JsonObject all) {
            for (Map.Entry<String, JsonValue> e : all.entrySet()) {
                if (e.getValue() instanceof JsonObject server) {
                    String state = server.getString("status", "?");
                    String message = server.getString("message", "");
                    servers.add(e.getKey() + " " + state + (message.isEmpty() ? "" : " (" + message + ")"));
                    if (!"up".equals(state)) {
                        notServing.add(e.getKey());
                    }
                }
            }
        }
        String seen = servers.isEmpty() ? "no servers" : String.join("; ", servers);
        if (!"up".equals(netboot.getString("status", ""))) {
            String extra = netboot.containsKey("message") ? netboot.getString("message", "") + "; " : "";
            if (netboot.get("settings") instanceof JsonArray settings) {
                extra += "settings: " + String.join("; ", settings.getValuesAs(JsonString.class).stream()
                        .map(JsonString::getString).toList()) + "; ";
            }
            return Finding.fail(check, "down: " + extra + seen,
                    "a server that cannot bind says why above (port in use, no interface, no capability)");
        }
        if (interfaceConfigured && !notServing.isEmpty()) {
            return Finding.fail(check, "not serving: " + String.join(", ", notServing) + " (" + seen + ")",
                    "the adapter retries every RPIDEPLOY_NETBOOT_RETRY_INTERVAL; the message says what is missing");
        }
        return Finding.ok(check, "adapter up: " + seen);
    }

    /**
     * "boot environment": {@code checks.boot_environment} is {@code ready} (each product with an active image has
     * its kernel, device trees and installer initramfs); {@code incomplete} lists what is missing.
     */
    public static Finding bootEnvironment(Health health) {
        String check = "boot environment";
        if (health == null || !health.answered()) {
            return Finding.notChecked(check, "the server does not answer");
        }
        JsonObject boot = health.check("boot_environment").orElse(null);
        if (boot == null) {
            return Finding.fail(check, "/health has no boot_environment entry", "see the server's log");
        }
        List<String> products = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (boot.get("products") instanceof JsonObject all) {
            for (Map.Entry<String, JsonValue> e : all.entrySet()) {
                if (!(e.getValue() instanceof JsonObject product)) {
                    continue;
                }
                List<String> own = product.get("problems") instanceof JsonArray list
                        ? list.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList() : List.of();
                if (product.getBoolean("complete", false)) {
                    products.add(e.getKey() + " complete" + (product.containsKey("kernel_release")
                            ? " (kernel " + product.getString("kernel_release", "") + ")" : ""));
                } else {
                    products.add(e.getKey() + " " + (own.isEmpty() ? "incomplete" : own.get(0)));
                    own.forEach(p -> problems.add(e.getKey() + ": " + p));
                }
            }
        }
        if ("ready".equals(boot.getString("status", ""))) {
            return Finding.ok(check, "ready: " + String.join("; ", products));
        }
        return Finding.fail(check, "incomplete: " + String.join("; ", problems),
                "rebuild it (POST /api/boot-environment/rebuild or the console) once the installer environment is "
                        + "built; see docs/install.md");
    }
}
