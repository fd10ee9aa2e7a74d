package io.rpideploy.ops.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.rpideploy.ops.OpsAccess;
import io.rpideploy.ops.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --register}: the prepared archive reaches the management API's upload as the plan's multipart form, with
 * HTTP Basic from the environment or an owner-only file; checked by an in-process server on loopback.
 */
class ImageRegisterTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private HttpServer server;
    private final AtomicReference<String> auth = new AtomicReference<>();
    private final AtomicReference<String> contentType = new AtomicReference<>();
    private final AtomicReference<byte[]> body = new AtomicReference<>();
    private final AtomicInteger requests = new AtomicInteger();

    private String start(int status, String answer) throws Exception {
        return start(status, answer, null);
    }

    /** With {@code tls}, HTTPS with that context (the management listener's TLS port). */
    private String start(int status, String answer, SSLContext tls) throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls != null) {
            HttpsServer https = HttpsServer.create(loopback, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        } else {
            server = HttpServer.create(loopback, 0);
        }
        server.createContext("/api/images/upload", exchange -> {
            requests.incrementAndGet();
            auth.set(exchange.getRequestHeaders().getFirst("Authorization"));
            contentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
            body.set(exchange.getRequestBody().readAllBytes());
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return (tls != null ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private int run(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("image", "prepare"));
        all.addAll(List.of(args));
        String[] pairs = env.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
                .toArray(String[]::new);
        return OpsAccess.run(all, TestData.env(dir.resolve("home"), pairs),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void uploadsTheArchiveAsTheFormWithFieldsFirstAndBasicAuth() throws Exception {
        assumeTrue(Tool.installed("resize2fs") && Tool.installed("mcopy") && Tool.installed("zstd"), "tools");
        String url = start(201, "{\"success\":true,\"filename\":\"KXP2_v1.4_card-prepared.img.zst\","
                + "\"image\":{\"id\":7}}");
        PiCard card = PiCard.build(dir, "card.img", 100, true);
        int exit = run(Map.of("RPIDEPLOY_API_PASSWORD", "pa:ss wörd"), card.image.toString(), "--register",
                "--url", url, "--user", "ops", "--product", "KXP2", "--version", "1.4");
        String said = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, said);
        assertTrue(said.contains("registered: KXP2_v1.4_card-prepared.img.zst (id 7;"), said);
        assertFalse(said.contains("pa:ss"), "the password is never printed");

        assertEquals("Basic " + Base64.getEncoder().encodeToString("ops:pa:ss wörd".getBytes(StandardCharsets.UTF_8)),
                auth.get());
        assertTrue(contentType.get().startsWith("multipart/form-data; boundary="), contentType.get());
        String boundary = contentType.get().substring(contentType.get().indexOf('=') + 1);
        Map<String, byte[]> parts = parts(body.get(), boundary);
        assertEquals(List.of("product_type", "version", "description", "bmap", "image"),
                new ArrayList<>(parts.keySet()), "the fields and the map before the file, so the server checks them"
                + " before the upload");
        assertArrayEquals(Files.readAllBytes(dir.resolve("card-prepared.img.bmap")), parts.get("bmap"),
                "the block map written beside the image goes with it");
        assertTrue(new String(body.get(), StandardCharsets.ISO_8859_1)
                .contains("name=\"bmap\"; filename=\"card-prepared.img.bmap\"\r\nContent-Type: application/xml"));
        assertEquals("KXP2", new String(parts.get("product_type"), StandardCharsets.UTF_8));
        assertEquals("1.4", new String(parts.get("version"), StandardCharsets.UTF_8));
        assertTrue(new String(parts.get("description"), StandardCharsets.UTF_8).startsWith("prepared from card.img"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("card-prepared.img.zst")), parts.get("image"));
        assertTrue(new String(body.get(), StandardCharsets.ISO_8859_1)
                .contains("name=\"image\"; filename=\"card-prepared.img.zst\""));
    }

    @Test
    void aRefusalIsReportedWithTheServersMessageAndTheImageIsKept() throws Exception {
        assumeTrue(Tool.installed("resize2fs") && Tool.installed("mcopy") && Tool.installed("zstd"), "tools");
        String url = start(400, "{\"error\":\"invalid\",\"message\":\"Version 1.4 of KXP2 exists\","
                + "\"field\":\"version\"}");
        PiCard card = PiCard.build(dir, "card.img", 100, true);
        Path secret = dir.resolve("api.pass");
        Files.writeString(secret, "from-file\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        int exit = run(Map.of(), card.image.toString(), "--register", "--url", url, "--user", "ops", "--product",
                "KXP2", "--version", "1.4", "--password-file", secret.toString());
        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("may be read by others"), err.toString());
        assertEquals(0, requests.get(), "refused before any work");
        assertFalse(Files.exists(dir.resolve("card-prepared.img")));

        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        err.reset();
        exit = run(Map.of(), card.image.toString(), "--register", "--url", url, "--user", "ops", "--product",
                "KXP2", "--version", "1.4", "--password-file", secret.toString(), "--no-compress");
        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("refused the image (HTTP 400): Version 1.4 of KXP2"
                + " exists; the prepared image is kept"), err.toString());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("ops:from-file".getBytes(StandardCharsets.UTF_8)),
                auth.get());
        assertTrue(Files.exists(dir.resolve("card-prepared.img")));
        assertTrue(Files.exists(dir.resolve("card-prepared.img.bmap")));
    }

    @Test
    void overHttpsTheServersSelfSignedCertificateIsTrustedOnlyWhenNamed() throws Exception {
        assumeTrue(Tool.installed("resize2fs") && Tool.installed("mcopy") && Tool.installed("zstd"), "tools");
        // a self-signed certificate as bin/rpideploy makes for the management listener, exported as PEM
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path keystore = dir.resolve("management.p12");
        Tool.must(60, keytool.toString(), "-genkeypair", "-alias", "rpideploy", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=rpi-deploy test", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit");
        Path pem = dir.resolve("management.pem");
        Files.writeString(pem, Tool.must(60, keytool.toString(), "-exportcert", "-rfc", "-alias", "rpideploy",
                "-keystore", keystore.toString(), "-storepass", "changeit").stdout());
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        String url = start(201, "{\"filename\":\"rxp2_v2_x.img.zst\",\"image\":{\"id\":3}}", tls);
        PiCard card = PiCard.build(dir, "card.img", 80, true);

        int exit = run(Map.of("RPIDEPLOY_API_PASSWORD", "pw"), card.image.toString(), "--register", "--url", url,
                "--user", "ops", "--product", "RXP2", "--version", "2");
        assertEquals(2, exit, "the JDK's trust store does not know a self-signed certificate");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("could not be reached"), err.toString());
        assertEquals(0, requests.get());

        err.reset();
        exit = run(Map.of("RPIDEPLOY_API_PASSWORD", "pw"), card.image.toString(), "--register", "--url", url,
                "--user", "ops", "--product", "RXP2", "--version", "2", "--cacert", pem.toString(), "--output",
                dir.resolve("second.img").toString());
        assertEquals(0, exit, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
        assertEquals(1, requests.get());
        assertArrayEquals(Files.readAllBytes(dir.resolve("second.img.zst")),
                parts(body.get(), contentType.get().substring(contentType.get().indexOf('=') + 1)).get("image"));
    }

    /** HTTP Basic over plain http is readable on the way: only to this host itself unless the operator says so. */
    @Test
    void plainHttpToAnotherHostIsRefusedBeforeAnyWork() throws Exception {
        PiCard card = PiCard.build(dir, "card.img", 40, true);
        // TEST-NET-1 (RFC 5737): refused before any connection is tried
        int exit = run(Map.of("RPIDEPLOY_API_PASSWORD", "pw"), card.image.toString(), "--register", "--url",
                "http://192.0.2.10:5000", "--user", "ops", "--product", "KXP2", "--version", "1");
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, exit, said);
        assertTrue(said.contains("plain http to another host would send the password (HTTP Basic) readable")
                && said.contains("https://192.0.2.10:TLS-PORT") && said.contains("--cacert PEM")
                && said.contains("--insecure-http"), said);
        assertFalse(Files.exists(dir.resolve("card-prepared.img")), "refused before minutes of work");

        for (String url : List.of("http://127.0.0.1:5000", "http://localhost:5000", "http://[::1]:5000",
                "http://127.8.9.10", "https://192.0.2.10:5443")) {
            ImageUpload.checkTransport(java.net.URI.create(url), false);
        }
        ImageUpload.checkTransport(java.net.URI.create("http://192.0.2.10:5000"), true);
        for (String url : List.of("http://192.0.2.10", "http://pi-server.local:5000", "http://[2001:db8::1]:5000",
                "http://localhost.example.com")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> ImageUpload.checkTransport(java.net.URI.create(url), false), url);
            assertTrue(e.getMessage().contains("--insecure-http"), e.getMessage());
        }
        err.reset();
        assertEquals(2, run(Map.of(), card.image.toString(), "--insecure-http"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("go with --register"), err.toString());
    }

    /** The parts of a multipart/form-data body, by name, in order (RFC 7578). */
    private static Map<String, byte[]> parts(byte[] body, String boundary) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String delimiter = "--" + boundary;
        assertTrue(text.startsWith(delimiter + "\r\n"), "starts with the boundary");
        assertTrue(text.endsWith(delimiter + "--\r\n"), "ends with the closing boundary");
        Map<String, byte[]> parts = new LinkedHashMap<>();
        for (String part : text.substring(delimiter.length() + 2, text.length() - delimiter.length() - 6)
                .split("\r\n" + java.util.regex.Pattern.quote(delimiter) + "\r\n", -1)) {
            int headEnd = part.indexOf("\r\n\r\n");
            String head = part.substring(0, headEnd);
            String name = head.replaceAll("(?s).*; name=\"([^\"]+)\".*", "$1");
            parts.put(name, part.substring(headEnd + 4).getBytes(StandardCharsets.ISO_8859_1));
        }
        return parts;
    }
}
