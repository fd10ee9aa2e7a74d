package io.rpideploy.ops.provision;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An in-process Proxmox VE API on loopback HTTPS (a self-signed certificate, as a node has). It plays a script of
 * expected requests in order: each is checked for method, path, the token header, the form content type and the
 * exact parameters in their order, and answered with the documented JSON envelope. Whatever differs is recorded in
 * {@link #failures()} (and answered 400 as Proxmox would answer a parameter it does not know).
 */
final class FakeProxmox implements AutoCloseable {

    static final String TOKEN_ID = "deployment@pve!rpideploy";
    static final String SECRET = "0b5a6c1e-9f1d-4c55-8a43-2d7c0b9a1f00";
    static final String NODE = "pve1";

    /** One expected request; {@code params} null means "not checked"; answered up to max times, at least min. */
    static final class Expect {
        final String method;
        final String path;
        final List<Map.Entry<String, String>> params;
        final int status;
        final String body;
        int min = 1;
        int max = 1;
        int seen;

        Expect(String method, String path, List<Map.Entry<String, String>> params, int status, String body) {
            this.method = method;
            this.path = path;
            this.params = params;
            this.status = status;
            this.body = body;
        }

        Expect times(int n) {
            min = n;
            max = n;
            return this;
        }

        Expect forever() {
            min = 1;
            max = Integer.MAX_VALUE;
            return this;
        }
    }

    private final HttpsServer server;
    private final Deque<Expect> script = new ArrayDeque<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final X509Certificate certificate;

    FakeProxmox(Path keystore, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, password);
        }
        certificate = (X509Certificate) ks.getCertificate(ks.aliases().nextElement());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", this::handle);
        server.start();
    }

    /** A key pair made with the JDK's keytool: CN=pve1 and the one name 127.0.0.1 (so "localhost" does not match). */
    static void makeKeystore(Path keystore, String password) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "pve", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=pve1", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", password)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The same server by a name its certificate does not carry. */
    String urlByOtherName() {
        return "https://localhost:" + server.getAddress().getPort();
    }

    /** The self-signed certificate as a PEM file, as /etc/pve/pve-root-ca.pem would be handed out. */
    void writeCertificatePem(Path file) throws Exception {
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
    }

    String fingerprint() throws Exception {
        return ProxmoxTls.fingerprint(certificate);
    }

    synchronized Expect expect(String method, String path, List<Map.Entry<String, String>> params, int status,
            String body) {
        Expect e = new Expect(method, path, params, status, body);
        script.add(e);
        return e;
    }

    /** An asynchronous call answering a UPID, then its task status: running {@code running} times, then stopped. */
    String task(String method, String path, List<Map.Entry<String, String>> params, String type, int running,
            String exitstatus) {
        String upid = "UPID:" + NODE + ":0002F3A1:01B7C3D4:67532A10:" + type + ":104:" + TOKEN_ID + ":";
        expect(method, path, params, 200, "{\"data\":\"" + upid + "\"}");
        String status = "/api2/json/nodes/" + NODE + "/tasks/" + upid + "/status";
        String common = "\"upid\":\"" + upid + "\",\"node\":\"" + NODE + "\",\"type\":\"" + type
                + "\",\"user\":\"" + TOKEN_ID + "\",\"pid\":193441,\"starttime\":1733503504";
        if (running > 0) {
            expect("GET", status, List.of(), 200, "{\"data\":{" + common + ",\"status\":\"running\"}}")
                    .times(running);
        }
        expect("GET", status, List.of(), 200, "{\"data\":{" + common + ",\"status\":\"stopped\",\"exitstatus\":\""
                + exitstatus + "\"}}");
        return upid;
    }

    List<String> failures() {
        return failures;
    }

    List<String> log() {
        return log;
    }

    /** Expectations never reached (a step the client skipped). */
    synchronized List<String> unmet() {
        List<String> unmet = new ArrayList<>();
        for (Expect e : script) {
            if (e.seen < e.min) {
                unmet.add(e.method + " " + e.path);
            }
        }
        return unmet;
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String method = x.getRequestMethod();
            String path = x.getRequestURI().getPath();
            String raw = method.equals("GET") ? x.getRequestURI().getRawQuery()
                    : new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            List<Map.Entry<String, String>> params = decode(raw);
            log.add(method + " " + path + " " + params);
            String auth = x.getRequestHeaders().getFirst("Authorization");
            if (!("PVEAPIToken=" + TOKEN_ID + "=" + SECRET).equals(auth)) {
                // Proxmox: 401 with the reason in the status line and an empty data envelope
                reply(x, 401, "{\"data\":null}");
                return;
            }
            if (!method.equals("GET") && !"application/x-www-form-urlencoded"
                    .equals(x.getRequestHeaders().getFirst("Content-Type"))) {
                failures.add(method + " " + path + ": Content-Type " + x.getRequestHeaders().getFirst("Content-Type"));
            }
            Expect e = next(method, path);
            if (e == null) {
                failures.add("unexpected " + method + " " + path + " " + params);
                reply(x, 400, "{\"errors\":{\"fake\":\"unexpected request " + method + " " + path + "\"},"
                        + "\"data\":null}");
                return;
            }
            if (e.params != null && !e.params.equals(params)) {
                failures.add(method + " " + path + ": parameters " + params + ", expected " + e.params);
                reply(x, 400, "{\"errors\":{\"fake\":\"parameters differ\"},\"data\":null}");
                return;
            }
            reply(x, e.status, e.body);
        }
    }

    private synchronized Expect next(String method, String path) {
        while (!script.isEmpty()) {
            Expect head = script.peek();
            if (head.method.equals(method) && head.path.equals(path)) {
                if (++head.seen >= head.max) {
                    script.poll();
                }
                return head;
            }
            if (head.seen >= head.min) {
                script.poll();
                continue;
            }
            return null;
        }
        return null;
    }

    private static List<Map.Entry<String, String>> decode(String raw) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            params.add(Map.entry(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)));
        }
        return params;
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
