package io.rpideploy.ops.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Registration through the management API's upload ({@code POST /api/images/upload}, multipart/form-data with the
 * plan's parts product_type, version, description and image, and our bmap: the block map written beside the image),
 * as an operator with HTTP Basic. The form fields and the small bmap go before the file so the server checks them
 * before gigabytes arrive; the file is streamed from disk.
 */
final class ImageUpload {

    /** The password's environment variable; the command line never carries it. */
    static final String PASSWORD_ENV = "RPIDEPLOY_API_PASSWORD";
    /** Else an owner-only file named here (or by --password-file). */
    static final String PASSWORD_FILE_ENV = "RPIDEPLOY_API_PASSWORD_FILE";

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    record Answer(int status, String body) {
    }

    private ImageUpload() {
    }

    static Answer upload(URI server, String user, String password, Path file, Path bmap, String product,
                         String version, String description, Path caCert) throws IOException, InterruptedException {
        String boundary = "rpideploy-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("product_type", product);
        fields.put("version", version);
        fields.put("description", description);
        StringBuilder head = new StringBuilder();
        fields.forEach((name, value) -> head.append("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n")
                .append(value).append("\r\n"));
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        if (bmap != null) {
            // the server checks it against the image and refuses the whole upload if it does not fit
            head.append("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"bmap\"; filename=\"")
                    .append(bmap.getFileName().toString().replace("\"", "_")).append("\"\r\n")
                    .append("Content-Type: application/xml\r\n\r\n");
            parts.add(HttpRequest.BodyPublishers.ofString(head.toString(), StandardCharsets.UTF_8));
            parts.add(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(bmap)));
            head.setLength(0);
            head.append("\r\n");
        }
        head.append("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"image\"; filename=\"")
                .append(file.getFileName().toString().replace("\"", "_")).append("\"\r\n")
                .append("Content-Type: application/octet-stream\r\n\r\n");
        parts.add(HttpRequest.BodyPublishers.ofString(head.toString(), StandardCharsets.UTF_8));
        parts.add(HttpRequest.BodyPublishers.ofFile(file));
        parts.add(HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n", StandardCharsets.UTF_8));
        URI target = URI.create(server.toString().replaceAll("/+$", "") + "/api/images/upload");
        HttpRequest request = HttpRequest.newBuilder(target)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofHours(2))
                .POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new)))
                .build();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20));
        if (caCert != null) {
            builder.sslContext(trusting(caCert));
        }
        HttpClient client = builder.build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    /**
     * HTTP Basic sends the password readable (base64) with the request: over plain http only to this host itself
     * (the default URL, or an SSH tunnel's end), anywhere else only when the operator says so.
     */
    static void checkTransport(URI server, boolean insecureHttp) {
        if (!"http".equals(server.getScheme()) || insecureHttp || loopback(server.getHost())) {
            return;
        }
        throw new IllegalArgumentException("--url " + server + ": plain http to another host would send the"
                + " password (HTTP Basic) readable to anyone on the network; use https://" + server.getHost()
                + ":TLS-PORT (the management listener's RPIDEPLOY_MANAGEMENT_TLS_PORT) with --cacert PEM for its"
                + " certificate, or add --insecure-http to send it in clear anyway");
    }

    /** localhost or a loopback address literal; a name is never looked up (DNS may lie). */
    static boolean loopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.contains(":") && !h.matches("[0-9.]+")) {
            return false;
        }
        try {
            // an address literal: parsed, not resolved
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * TLS that trusts the certificates in a PEM file (the management listener's self-signed one from
     * {@code $RPIDEPLOY_HOME/tls/}, or the CA that issued yours) besides nothing else; host names are still checked.
     */
    static SSLContext trusting(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + n++, c);
            }
            if (n == 0) {
                throw new IllegalArgumentException("--cacert " + pem + " holds no certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("--cacert " + pem + ": no PEM certificate (" + e.getMessage() + ")");
        }
    }

    /** The password from {@value #PASSWORD_ENV}, else the owner-only file. */
    static String password(Map<String, String> env, Path file) throws IOException {
        String value = env.get(PASSWORD_ENV);
        if (value != null && !value.isBlank() && file == null) {
            return value.strip();
        }
        Path from = file != null ? file
                : env.get(PASSWORD_FILE_ENV) != null && !env.get(PASSWORD_FILE_ENV).isBlank()
                ? Path.of(env.get(PASSWORD_FILE_ENV)) : null;
        if (from == null) {
            throw new IllegalArgumentException("--register needs the user's password in the environment variable "
                    + PASSWORD_ENV + " or an owner-only file named by --password-file or " + PASSWORD_FILE_ENV
                    + " (never on the command line)");
        }
        if (!Files.isRegularFile(from)) {
            throw new IllegalArgumentException("password file " + from + " does not exist");
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(from);
        permissions.retainAll(OTHERS);
        if (!permissions.isEmpty()) {
            throw new IllegalArgumentException("password file " + from + " may be read by others (" + permissions
                    + "): chmod 600 it");
        }
        String secret = Files.readString(from, StandardCharsets.UTF_8).strip();
        if (secret.isEmpty() || secret.contains("\n")) {
            throw new IllegalArgumentException("password file " + from + ": one line with the password expected");
        }
        return secret;
    }
}
