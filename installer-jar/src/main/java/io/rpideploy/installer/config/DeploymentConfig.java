package io.rpideploy.installer.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The server's answer to {@code POST /api/config}: the assigned hostname and the image to install.
 * {@link #of} checks every field the installer relies on, so later steps can trust them (the hostname goes into
 * shell, TOML and YAML files on the card: only RFC 1123 labels are accepted).
 */
public record DeploymentConfig(String hostname, String productType, String venueCode, String imageUrl,
                               long imageSize, String imageChecksum, Long imageUncompressedSize,
                               String imageUncompressedChecksum, String version, Long deploymentId,
                               String serverIp, String reportToken) {

    /** RFC 1123 section 2.1 labels; host names compare case-insensitively, so the server's case is kept. */
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Validates and converts the parsed JSON object; throws IllegalArgumentException naming the bad field. */
    public static DeploymentConfig of(Map<String, Object> json) {
        // exactly as the server assigned it (KXP2-CORO-001): the console, the labels and the plan use that name
        String hostname = text(json, "hostname", true);
        if (!HOSTNAME.matcher(hostname).matches()) {
            throw new IllegalArgumentException("hostname '" + hostname + "' is not a valid RFC 1123 host name");
        }
        String url = text(json, "image_url", true);
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new IllegalArgumentException("image_url must be an http(s) URL, got '" + url + "'");
        }
        Long size = number(json, "image_size");
        if (size == null || size <= 0) {
            throw new IllegalArgumentException("image_size must be a positive number");
        }
        String checksum = sha256(json, "image_checksum", true);
        Long rawSize = number(json, "image_uncompressed_size");
        return new DeploymentConfig(hostname, text(json, "product_type", false), text(json, "venue_code", false),
                url, size, checksum, rawSize != null && rawSize > 0 ? rawSize : null,
                sha256(json, "image_uncompressed_checksum", false), text(json, "version", false),
                number(json, "deployment_id"), text(json, "server_ip", false), text(json, "report_token", false));
    }

    private static String text(Map<String, Object> json, String field, boolean required) {
        Object v = json.get(field);
        if (v == null) {
            if (required) {
                throw new IllegalArgumentException("field '" + field + "' is missing");
            }
            return null;
        }
        if (v instanceof BigDecimal n) {
            return n.toPlainString();
        }
        if (!(v instanceof String s) || (required && s.isBlank())) {
            throw new IllegalArgumentException("field '" + field + "' must be text");
        }
        return s.trim();
    }

    private static Long number(Map<String, Object> json, String field) {
        Object v = json.get(field);
        if (v == null) {
            return null;
        }
        try {
            if (v instanceof BigDecimal n) {
                return n.longValueExact();
            }
            if (v instanceof String s && !s.isBlank()) {
                return Long.parseLong(s.trim());
            }
        } catch (ArithmeticException | NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("field '" + field + "' must be a whole number");
    }

    private static String sha256(Map<String, Object> json, String field, boolean required) {
        String v = text(json, field, required);
        if (v == null || v.isEmpty()) {
            if (required) {
                throw new IllegalArgumentException("field '" + field + "' is missing");
            }
            return null;
        }
        v = v.toLowerCase(Locale.ROOT);
        if (v.startsWith("sha256:")) {
            v = v.substring(7);
        }
        if (!SHA256.matcher(v).matches()) {
            throw new IllegalArgumentException("field '" + field + "' must be 64 hex digits (SHA-256)");
        }
        return v;
    }

    /** True when the URL (without query) ends in a compression suffix the installer decodes. */
    public boolean compressed() {
        String path = imageUrl.replaceFirst("[?#].*$", "").toLowerCase(Locale.ROOT);
        return path.endsWith(".gz") || path.endsWith(".xz") || path.endsWith(".zst");
    }
}
