package io.rpideploy.ops.provision;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The provisioning configuration: one JSON file shaped like the plan's {@code deployment_server_config.json}
 * (vmid, node, vm, storage, network, cloudinit) plus a {@code proxmox} section for the API's address, token and TLS
 * trust. The token's secret is never in this file: it names an environment variable or an owner-only file.
 */
public record ProvisionConfig(
        URI url, String tokenId, Optional<String> secretEnv, Optional<Path> secretFile,
        Optional<String> tlsFingerprint, Optional<Path> tlsCaFile, Duration taskTimeout, Duration agentTimeout,
        OptionalInt vmid, String node,
        String name, int memoryMiB, int cores, int sockets,
        String storage, int diskGiB, boolean cloudInitDrive, String image, Optional<String> imageUrl,
        String snippetsStorage, String backupStorage,
        String bridge, int managementVlan, int deploymentVlan, String deploymentIp, Optional<String> dns,
        String user, String sshKey, String packageUrl, Optional<String> packageSha256, Map<String, String> env) {

    private static final Pattern TOKEN_ID = Pattern.compile("[^@!=\\s]+@[^@!=\\s]+![A-Za-z][A-Za-z0-9._-]*");
    private static final Pattern FINGERPRINT = Pattern.compile("(?i)[0-9a-f]{2}(:?[0-9a-f]{2}){31}");
    private static final Pattern PROXMOX_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern CIDR = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}");
    private static final Pattern ENV_NAME = Pattern.compile("RPIDEPLOY_[A-Z0-9_]+");
    /** Proxmox wants a DNS name; it also names the snippet file, so no path characters. */
    private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    public ProvisionConfig {
        env = Map.copyOf(env);
    }

    public static ProvisionConfig read(Path file) throws IOException {
        JsonObject root;
        try (Reader in = Files.newBufferedReader(file)) {
            root = Json.createReader(in).readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new IllegalArgumentException(file + ": not a JSON object: " + e.getMessage());
        }
        return parse(root);
    }

    public static ProvisionConfig parse(JsonObject root) {
        JsonObject px = section(root, "proxmox");
        if (px.containsKey("token_secret") || px.containsKey("password") || section(root, "cloudinit")
                .containsKey("password")) {
            // the plan kept passwords in this file; the file is copied around, so secrets stay out of it
            throw new IllegalArgumentException("secrets do not belong in the config file: remove proxmox.token_secret"
                    + " / password and name proxmox.token_secret_env or proxmox.token_secret_file instead");
        }
        URI url = URI.create(text(px, "proxmox.url", null));
        if (!"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("proxmox.url: an https URL such as https://pve.example:8006 expected");
        }
        String tokenId = text(px, "proxmox.token_id", null);
        if (!TOKEN_ID.matcher(tokenId).matches()) {
            throw new IllegalArgumentException("proxmox.token_id: USER@REALM!TOKENID expected, got '" + tokenId + "'");
        }
        Optional<String> secretEnv = optText(px, "token_secret_env");
        Optional<Path> secretFile = optText(px, "token_secret_file").map(Path::of);
        if (secretEnv.isEmpty() && secretFile.isEmpty()) {
            throw new IllegalArgumentException("proxmox: token_secret_env or token_secret_file is required");
        }
        Optional<String> fingerprint = optText(px, "tls_fingerprint_sha256");
        if (fingerprint.isPresent() && !FINGERPRINT.matcher(fingerprint.get()).matches()) {
            throw new IllegalArgumentException("proxmox.tls_fingerprint_sha256: 32 hex bytes (AB:CD:...) expected,"
                    + " as 'pvenode cert info' prints it");
        }
        Optional<Path> caFile = optText(px, "tls_ca_file").map(Path::of);

        JsonObject vm = section(root, "vm");
        JsonObject st = section(root, "storage");
        JsonObject net = section(root, "network");
        JsonObject ci = section(root, "cloudinit");
        OptionalInt vmid = root.isNull("vmid") || !root.containsKey("vmid") ? OptionalInt.empty()
                : OptionalInt.of(number(root, "vmid", 0, 100, 999_999_999));
        String deploymentIp = text(net, "network.deployment_ip", "192.168.151.1/24");
        if (!CIDR.matcher(deploymentIp).matches()) {
            throw new IllegalArgumentException("network.deployment_ip: ADDRESS/PREFIX expected, got " + deploymentIp);
        }
        String name = text(vm, "vm.name", "rpi-deployment-server");
        if (!DNS_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("vm.name: a DNS name expected (letters, digits, '-', '.'), got '"
                    + name + "'");
        }
        Map<String, String> env = new LinkedHashMap<>();
        if (ci.containsKey("env") && !ci.isNull("env")) {
            ci.getJsonObject("env").forEach((k, v) -> {
                if (!ENV_NAME.matcher(k).matches() || v.getValueType() != JsonValue.ValueType.STRING
                        || ((JsonString) v).getString().contains("\n")) {
                    throw new IllegalArgumentException("cloudinit.env." + k
                            + ": RPIDEPLOY_* names with one-line string values expected");
                }
                env.put(k, ((JsonString) v).getString());
            });
        }
        return new ProvisionConfig(url, tokenId, secretEnv, secretFile, fingerprint, caFile,
                Duration.ofSeconds(number(px, "task_timeout_seconds", 900, 1, 86_400)),
                Duration.ofSeconds(number(px, "agent_timeout_seconds", 900, 1, 86_400)),
                vmid, id(root, "node", null),
                name,
                number(vm, "memory", 8192, 512, 1 << 22), number(vm, "cores", 4, 1, 512),
                number(vm, "sockets", 1, 1, 16),
                id(st, "storage", "local-lvm"), number(st, "disk_size", 100, 4, 65_536),
                !st.containsKey("cloudinit") || st.getBoolean("cloudinit"),
                text(st, "storage.image", "local:import/noble-server-cloudimg-amd64.qcow2"), optText(st, "image_url"),
                id(st, "snippets_storage", "local"), id(st, "backup_storage", "local"),
                id(net, "bridge", "vmbr0"), number(net, "management_vlan", 101, 1, 4094),
                number(net, "deployment_vlan", 151, 1, 4094), deploymentIp, optText(net, "dns"),
                id(ci, "user", "rpideploy"), text(ci, "cloudinit.ssh_key", null),
                text(ci, "cloudinit.package_url", null), optText(ci, "package_sha256"), env);
    }

    /** The secret of the API token: from the named environment variable, else the named owner-only file. */
    public String tokenSecret(Map<String, String> environment) throws IOException {
        if (secretEnv.isPresent()) {
            String value = environment.get(secretEnv.get());
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
            if (secretFile.isEmpty()) {
                throw new IllegalArgumentException("the API token's secret: environment variable " + secretEnv.get()
                        + " is not set");
            }
        }
        return SecretFile.read(secretFile.orElseThrow());
    }

    private static JsonObject section(JsonObject root, String name) {
        JsonValue value = root.get(name);
        if (value == null || value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new IllegalArgumentException(name + ": a JSON object is required");
        }
        return value.asJsonObject();
    }

    private static Optional<String> optText(JsonObject o, String key) {
        JsonValue v = o.get(key);
        if (v == null || v == JsonValue.NULL) {
            return Optional.empty();
        }
        if (v.getValueType() != JsonValue.ValueType.STRING) {
            throw new IllegalArgumentException(key + ": a string expected");
        }
        return Optional.of(((JsonString) v).getString().strip()).filter(s -> !s.isEmpty());
    }

    private static String text(JsonObject o, String path, String fallback) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        return optText(o, key).or(() -> Optional.ofNullable(fallback))
                .orElseThrow(() -> new IllegalArgumentException(path + ": required"));
    }

    private static String id(JsonObject o, String key, String fallback) {
        String value = text(o, key, fallback);
        if (!PROXMOX_ID.matcher(value).matches()) {
            throw new IllegalArgumentException(key + ": letters, digits, '.', '_' or '-' expected, got '" + value + "'");
        }
        return value;
    }

    private static int number(JsonObject o, String key, int fallback, int min, int max) {
        JsonValue v = o.get(key);
        if (v == null || v == JsonValue.NULL) {
            return fallback;
        }
        if (v.getValueType() != JsonValue.ValueType.NUMBER || !((JsonNumber) v).isIntegral()
                || ((JsonNumber) v).longValue() < min || ((JsonNumber) v).longValue() > max) {
            throw new IllegalArgumentException(key + ": a whole number from " + min + " to " + max + " expected");
        }
        return ((JsonNumber) v).intValue();
    }
}
