package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The image registry and the file server against the real war on Payara Micro: uploads streamed and hashed,
 * activation and rollback, downloads with ranges (also resumed by curl), and paths that must never leave the store.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ImageIT {

    private static final String BOUNDARY = "it-image-boundary-7d1f";
    private static final Path HOME = Path.of(System.getenv("RPIDEPLOY_HOME"));
    private static final Path IMAGES = HOME.resolve("images");

    @Deployment(testable = false)
    static WebArchive war() {
        return ItServer.war();
    }

    private final Api admin = Api.admin();
    private final Api deployment = Api.deployment();

    @Test
    void uploadIsHashedAndServedWholeAndInRanges() throws Exception {
        byte[] data = random(3 * 1024 * 1024 + 17, 1);
        Reply up = upload(admin, "KXP2", "it-1.0", "it serve image.img", data, "first upload");
        assertEquals(201, up.status(), up.toString());
        JsonObject json = up.json();
        assertTrue(json.getBoolean("success"));
        assertEquals(sha256(data), json.getString("checksum"));
        String name = json.getString("filename");
        assertEquals("kxp2_vit-1.0_it_serve_image.img", name);
        JsonObject image = json.getJsonObject("image");
        assertEquals(data.length, image.getJsonNumber("size_bytes").longValue());
        assertEquals("img", image.getString("format"));
        assertEquals("first upload", image.getString("description"));
        assertEquals("admin", image.getString("uploaded_by"));
        assertEquals(200, admin.get("/api/images/" + image.getInt("id")).status());

        HttpResponse<byte[]> whole = bytes(deployment.request("/images/" + name).GET());
        assertEquals(200, whole.statusCode());
        assertArrayEquals(data, whole.body());
        assertEquals("bytes", whole.headers().firstValue("Accept-Ranges").orElse(""));
        assertEquals(String.valueOf(data.length), whole.headers().firstValue("Content-Length").orElse(""));
        assertTrue(whole.headers().firstValue("Last-Modified").isPresent());
        String etag = whole.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.contains(sha256(data)), etag);

        HttpResponse<byte[]> middle = range(name, "bytes=100-199");
        assertEquals(206, middle.statusCode());
        assertArrayEquals(Arrays.copyOfRange(data, 100, 200), middle.body());
        assertEquals("bytes 100-199/" + data.length, middle.headers().firstValue("Content-Range").orElse(""));

        HttpResponse<byte[]> tail = range(name, "bytes=-10");
        assertEquals(206, tail.statusCode());
        assertArrayEquals(Arrays.copyOfRange(data, data.length - 10, data.length), tail.body());

        HttpResponse<byte[]> rest = range(name, "bytes=100-");
        assertEquals(206, rest.statusCode());
        assertArrayEquals(Arrays.copyOfRange(data, 100, data.length), rest.body());

        HttpResponse<byte[]> outside = range(name, "bytes=" + data.length + "-");
        assertEquals(416, outside.statusCode());
        assertEquals("bytes */" + data.length, outside.headers().firstValue("Content-Range").orElse(""));

        HttpResponse<byte[]> stale = bytes(deployment.request("/images/" + name).header("Range", "bytes=0-9")
                .header("If-Range", "\"some-other-version\"").GET());
        assertEquals(200, stale.statusCode(), "a changed validator gets the whole file (RFC 9110 13.1.5)");
        assertEquals(data.length, stale.body().length);

        HttpResponse<byte[]> unchanged = bytes(deployment.request("/images/" + name).header("If-None-Match", etag)
                .GET());
        assertEquals(304, unchanged.statusCode());
        assertEquals(0, unchanged.body().length);

        HttpResponse<byte[]> head = bytes(deployment.request("/images/" + name)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(data.length), head.headers().firstValue("Content-Length").orElse(""));
        assertEquals(etag, head.headers().firstValue("ETag").orElse(""));

        Reply onManagement = admin.get("/images/" + name);
        assertEquals(404, onManagement.status(), "images are served on the deployment listener only");
        assertFalse(onManagement.body().contains(new String(data, 0, 64, StandardCharsets.ISO_8859_1)));
    }

    @Test
    void gzipImagesRecordTheUncompressedSizeAndChecksum() throws Exception {
        byte[] plain = random(2 * 1024 * 1024, 2);
        Arrays.fill(plain, 4096, 1024 * 1024, (byte) 0);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(plain);
        }
        Reply up = upload(admin, "RXP2", "it-gz.1", "compressed.img.gz", gz.toByteArray(), null);
        assertEquals(201, up.status(), up.toString());
        JsonObject image = up.json().getJsonObject("image");
        assertEquals("gz", image.getString("format"));
        assertEquals(sha256(gz.toByteArray()), image.getString("checksum"));
        assertEquals(plain.length, image.getJsonNumber("uncompressed_size").longValue());
        assertEquals(sha256(plain), image.getString("uncompressed_checksum"));
        // our installer says it decompresses: the file as stored
        assertArrayEquals(gz.toByteArray(), bytes(deployment.request("/images/" + image.getString("filename"))
                .header("X-RpiDeploy-Decompresses", "gz, xz, zst").GET()).body());
        // the plan's installer says nothing: the raw image, its SHA-256 as ETag, never the compressed bytes
        HttpResponse<byte[]> raw = bytes(deployment.request("/images/" + image.getString("filename")).GET());
        assertArrayEquals(plain, raw.body());
        assertEquals("\"sha256-" + sha256(plain) + "\"", raw.headers().firstValue("ETag").orElse(""));
        HttpResponse<byte[]> rawTail = bytes(deployment.request("/images/" + image.getString("filename"))
                .header("Range", "bytes=" + (plain.length - 100) + "-").GET());
        assertEquals(206, rawTail.statusCode());
        assertArrayEquals(Arrays.copyOfRange(plain, plain.length - 100, plain.length), rawTail.body());

        byte[] broken = gz.toByteArray().clone();
        for (int i = broken.length / 2; i < broken.length / 2 + 64; i++) {
            broken[i] ^= 0x5a;
        }
        Reply refused = upload(admin, "RXP2", "it-gz.2", "broken.img.gz", broken, null);
        assertEquals(400, refused.status(), refused.toString());
        assertEquals("image", refused.json().getString("field"));
        assertFalse(admin.get("/api/images").body().contains("it-gz.2"));
        assertEquals(List.of(), incomingFiles());
    }

    @Test
    void theSameNameTwiceGivesTwoImages() {
        byte[] first = random(100_000, 3);
        byte[] second = random(100_000, 4);
        Reply a = upload(admin, "KXP2", "it-twice", "twice.img", first, null);
        Reply b = upload(admin, "KXP2", "it-twice", "twice.img", second, null);
        assertEquals(201, a.status(), a.toString());
        assertEquals(201, b.status(), b.toString());
        String nameA = a.json().getString("filename");
        String nameB = b.json().getString("filename");
        assertNotEquals(nameA, nameB);
        assertEquals("kxp2_vit-twice_twice-2.img", nameB);
        assertArrayEquals(first, bytes(deployment.request("/images/" + nameA).GET()).body());
        assertArrayEquals(second, bytes(deployment.request("/images/" + nameB).GET()).body());
    }

    @Test
    void activateRollbackAndDeleteFollowTheRules() {
        Reply a = upload(admin, "RXP2", "it-act.1", "act.img", random(50_000, 5), null);
        Reply b = upload(admin, "RXP2", "it-act.2", "act.img", random(50_000, 6), null);
        long idA = a.json().getJsonObject("image").getJsonNumber("id").longValue();
        long idB = b.json().getJsonObject("image").getJsonNumber("id").longValue();
        String fileB = b.json().getString("filename");

        assertEquals(201, admin.post("/api/users",
                "{\"username\":\"imgviewer\",\"role\":\"viewer\",\"password\":\"img-viewer-pass-1\"}").status());
        Api viewer = Api.management("imgviewer", "img-viewer-pass-1");
        assertEquals(200, viewer.get("/api/images").status());
        assertEquals(403, viewer.post("/api/images/" + idA + "/activate", "").status());
        assertEquals(401, Api.anonymousManagement().get("/api/images").status());

        assertTrue(admin.post("/api/images/" + idA + "/activate", "").json().getBoolean("is_active"));
        Reply activeB = admin.post("/api/images/" + idB + "/activate", "");
        assertEquals(200, activeB.status(), activeB.toString());
        assertEquals(idA, activeB.json().getJsonNumber("previous_image_id").longValue());
        assertEquals(1, admin.get("/api/images").json().getJsonArray("images").stream()
                .map(v -> v.asJsonObject())
                .filter(i -> i.getString("product_type").equals("RXP2") && i.getBoolean("is_active")).count());

        Reply refused = admin.delete("/api/images/" + idB);
        assertEquals(409, refused.status(), refused.toString());
        assertEquals("conflict", refused.json().getString("error"));

        Reply back = admin.post("/api/images/rollback?product_type=RXP2", "");
        assertEquals(200, back.status(), back.toString());
        assertEquals(idA, back.json().getJsonNumber("id").longValue());
        assertFalse(admin.get("/api/images/" + idB).json().getBoolean("is_active"));
        assertEquals(409, admin.post("/api/images/rollback?product_type=RXP2", "").status(),
                "the image rolled back to has no earlier one");
        assertEquals(400, admin.post("/api/images/rollback?product_type=NOPE", "").status());

        Reply noted = admin.put("/api/images/" + idA, "{\"notes\":\"tested on kart 7\"}");
        assertEquals(200, noted.status(), noted.toString());
        assertEquals("tested on kart 7", noted.json().getString("notes"));

        assertEquals(204, admin.delete("/api/images/" + idB).status());
        assertEquals(404, admin.get("/api/images/" + idB).status());
        assertFalse(Files.exists(IMAGES.resolve(fileB)));
        assertEquals(404, bytes(deployment.request("/images/" + fileB).GET()).statusCode());
        String audit = admin.get("/api/audit?limit=50").body();
        for (String action : new String[] {"image.upload", "image.activate", "image.rollback", "image.update",
            "image.delete"}) {
            assertTrue(audit.contains(action), action + " in " + audit);
        }
    }

    @Test
    void aFileWithoutAPartitionTableIsNoDiskImageAndIsNeverStoredOrActivated() throws IOException {
        byte[] noise = new byte[200_000];
        new Random(11).nextBytes(noise);
        noise[510] = 0; // no MBR signature
        Reply refused = upload(admin, "KXP2", "it-noise", "noise.img", noise, null);
        assertField(refused, 400, "image");
        assertTrue(refused.json().getString("message").contains("partition table"), refused.toString());
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(noise); // the check reads the content a card receives, not the compressed bytes
        }
        assertField(upload(admin, "KXP2", "it-noise-gz", "noise.img.gz", gz.toByteArray(), null), 400, "image");
        Files.write(IMAGES.resolve("import").resolve("noise.img"), noise);
        assertField(admin.post("/api/images/import",
                "{\"filename\":\"noise.img\",\"product_type\":\"KXP2\",\"version\":\"it-noise-import\"}"), 400,
                "filename");
        Files.delete(IMAGES.resolve("import").resolve("noise.img"));
        assertFalse(admin.get("/api/images").body().contains("it-noise"));
        assertEquals(List.of(), incomingFiles());

        // stored as a disk, then its partition table wiped on disk (same size): activation refuses it
        Reply stored = upload(admin, "RXP2", "it-wiped", "wiped.img", random(64 * 1024, 12), null);
        assertEquals(201, stored.status(), stored.toString());
        String name = stored.json().getString("filename");
        try (var file = java.nio.channels.FileChannel.open(IMAGES.resolve(name),
                java.nio.file.StandardOpenOption.WRITE)) {
            file.write(java.nio.ByteBuffer.wrap(new byte[512]), 0);
        }
        Reply activation = admin.post("/api/images/" + stored.json().getJsonObject("image").getJsonNumber("id")
                .longValue() + "/activate", "");
        assertEquals(409, activation.status(), activation.toString());
        assertTrue(activation.json().getString("message").contains("partition table"), activation.toString());
    }

    @Test
    void aFileTouchedOrCorruptedAfterRegistrationIsNeverServedAndAVerificationTellsWhich() throws Exception {
        byte[] data = random(512 * 1024, 13);
        Reply up = upload(admin, "RXP2", "it-integrity", "integrity.img", data, null);
        assertEquals(201, up.status(), up.toString());
        long id = up.json().getJsonObject("image").getJsonNumber("id").longValue();
        String name = up.json().getString("filename");
        Path file = IMAGES.resolve(name);
        assertEquals("ok", up.json().getJsonObject("image").getString("integrity"));
        assertEquals(200, admin.post("/api/images/" + id + "/activate", "").status());
        assertEquals(200, bytes(deployment.request("/images/" + name).GET()).statusCode());

        // touched (a copy tool, an editor): same bytes, another time -> not served until hashed again
        java.nio.file.attribute.FileTime registered = Files.getLastModifiedTime(file);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(
                registered.toInstant().plusSeconds(3600)));
        HttpResponse<byte[]> touched = bytes(deployment.request("/images/" + name).GET());
        assertEquals(503, touched.statusCode());
        assertTrue(new String(touched.body(), StandardCharsets.UTF_8).contains("image_unverified"));
        assertEquals("changed", admin.get("/api/images/" + id).json().getString("integrity"));
        assertEquals(202, admin.post("/api/images/" + id + "/verify", "").status());
        assertEquals("ok", integrityAfterVerification(id));
        assertArrayEquals(data, bytes(deployment.request("/images/" + name).GET()).body());

        // one byte flipped in place, size and time put back: only the full hash can tell
        java.nio.file.attribute.FileTime now = Files.getLastModifiedTime(file);
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) ~data[300_000]}), 300_000);
        }
        Files.setLastModifiedTime(file, now);
        assertEquals(202, admin.post("/api/images/" + id + "/verify", "").status());
        assertEquals("corrupt", integrityAfterVerification(id));
        assertTrue(admin.get("/api/images/" + id).json().getString("integrity_message").contains("SHA-256"));
        assertEquals(503, bytes(deployment.request("/images/" + name).GET()).statusCode());
        // and no board is sent to it
        Reply venue = admin.post("/api/venues", "{\"code\":\"INTG\",\"name\":\"Integrity\"}");
        assertTrue(venue.status() == 201 || venue.status() == 409, venue.toString());
        Reply config = deployment.post("/api/config", "{\"product_type\":\"RXP2\",\"venue_code\":\"INTG\","
                + "\"serial_number\":\"10000000c0ffee13\",\"mac_address\":\"2c:cf:67:00:13:13\"}");
        assertEquals(503, config.status(), config.toString());
        assertTrue(config.json().getString("message").contains("integrity"), config.toString());
        assertTrue(admin.get("/api/audit?action=image").body().contains("image.verify"));

        // another image of RXP2 active again, for the rest of the suite
        Reply fresh = upload(admin, "RXP2", "it-integrity-2", "integrity2.img", random(64 * 1024, 14), null);
        assertEquals(200, admin.post("/api/images/" + fresh.json().getJsonObject("image").getJsonNumber("id")
                .longValue() + "/activate", "").status());
    }

    /** Polls the image until its background verification is over (bounded). */
    private String integrityAfterVerification(long id) throws InterruptedException {
        String state = "verifying";
        for (int i = 0; i < 100 && state.equals("verifying"); i++) {
            Thread.sleep(100);
            state = admin.get("/api/images/" + id).json().getString("integrity");
        }
        return state;
    }

    @Test
    void aDiskThatCannotHoldTheUploadGets507AndKeepsNothing() throws Exception {
        Path incoming = IMAGES.resolve(".incoming");
        // a 1 MiB file system over the upload folder (root only: skipped elsewhere, CI runs as root)
        org.junit.jupiter.api.Assumptions.assumeTrue(command("mount", "-t", "tmpfs", "-o", "size=1m",
                "rpideploy-it-full", incoming.toString()) == 0, "mounting a small tmpfs needs root");
        try {
            byte[] body = multipart("KXP2", "it-full", "full.img", random(3 * 1024 * 1024, 15), null);
            // the announced length does not fit: refused before a byte is stored
            Reply announced = admin.send(admin.request("/api/images/upload")
                    .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            assertField(announced, 507, "image");
            // chunked, no length: the write runs into the full disk
            Reply chunked = admin.send(admin.request("/api/images/upload")
                    .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))));
            assertField(chunked, 507, "image");
            assertTrue(chunked.json().getString("message").contains("full"), chunked.toString());
            assertEquals(List.of(), incomingFiles());
            assertEquals(200, deployment.get("/health").status(), "the server keeps serving");
        } finally {
            assertEquals(0, command("umount", incoming.toString()));
        }
        assertFalse(admin.get("/api/images").body().contains("it-full"));
        Reply after = upload(admin, "KXP2", "it-full-after", "after.img", random(64 * 1024, 16), null);
        assertEquals(201, after.status(), "uploads work again once there is room: " + after);
    }

    private static int command(String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @Test
    void badUploadsGetAJsonErrorNamingTheField() throws IOException {
        assertField(upload(admin, "XYZ", "1", "a.img", new byte[10], null), 400, "product_type");
        assertField(upload(admin, "KXP2", "../1", "a.img", new byte[10], null), 400, "version");
        assertField(upload(admin, "KXP2", "1", "a.iso", new byte[10], null), 400, "image");
        assertField(admin.send(admin.request("/api/images/upload")
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart("KXP2", "1", null, null, null)))), 400,
                "image");
        assertEquals(401, upload(Api.anonymousManagement(), "KXP2", "1", "a.img", new byte[10], null).status());
        assertEquals(List.of(), incomingFiles());
    }

    /** The client sends half the body and disconnects: nothing registered, nothing left in .incoming. */
    @Test
    void anAbortedUploadLeavesNothing() throws Exception {
        byte[] body = multipart("KXP2", "it-abort", "abort.img", random(8 * 1024 * 1024, 7), null);
        String auth = Base64.getEncoder().encodeToString(("admin:" + Api.ADMIN_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", Api.MANAGEMENT_PORT), 10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/images/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " + auth
                    + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, 0, body.length / 2);
            out.flush();
            Thread.sleep(500); // let the server stream part of it to disk before the connection drops
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!incomingFiles().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(List.of(), incomingFiles());
        assertFalse(admin.get("/api/images").body().contains("it-abort"));
        try (Stream<Path> files = Files.list(IMAGES)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("abort")));
        }
    }

    @Test
    void traversalNeverLeavesTheStore() throws IOException {
        Files.writeString(HOME.resolve("secret-it.txt"), "TOP-SECRET-IT");
        String[] attacks = {"/images/..%2f..%2fetc%2fpasswd", "/images/%2e%2e/x", "/images/..\\x",
            "/images/..%5crpideploy.db", "/boot/../rpideploy.db", "/boot/%2e%2e/rpideploy.db",
            "/images/%2e%2e%2frpideploy.db", "/images/%2e%2e%2fsecret-it.txt", "/boot/..%2fsecret-it.txt",
            "/images/.incoming", "/images/x%00.img", "/images//etc/passwd", "/images/%2fetc%2fpasswd",
            "/boot/a/../../secret-it.txt", "/images/../images/../secret-it.txt"};
        List<String> wrong = new java.util.ArrayList<>();
        for (String attack : attacks) {
            String response = raw(Api.DEPLOYMENT_PORT, "GET " + attack + " HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\n\r\n");
            // Grizzly itself refuses a backslash, an encoded slash or backslash and an encoded NUL with "400 Invalid
            // URI"; the application refuses any other non-canonical spelling (dot segments, //) with 400 before it
            // routes; a canonical name that is not in the store is a 404
            boolean refused = response.startsWith("HTTP/1.1 404") || response.startsWith("HTTP/1.1 400");
            boolean leaked = response.contains("root:") || response.contains("SQLite format")
                    || response.contains("TOP-SECRET");
            if (!refused || leaked) {
                wrong.add(attack + " -> " + response.lines().findFirst().orElse(""));
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void bootFilesAreServedFromSubFolders() throws IOException {
        Path file = Files.createDirectories(HOME.resolve("boot").resolve("1a2b3c4d")).resolve("config.txt");
        Files.writeString(file, "arm_64bit=1\nenable_uart=1\n");
        HttpResponse<byte[]> whole = bytes(deployment.request("/boot/1a2b3c4d/config.txt").GET());
        assertEquals(200, whole.statusCode());
        assertEquals("arm_64bit=1\nenable_uart=1\n", new String(whole.body(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> part = bytes(deployment.request("/boot/1a2b3c4d/config.txt")
                .header("Range", "bytes=0-10").GET());
        assertEquals(206, part.statusCode());
        assertEquals("arm_64bit=1", new String(part.body(), StandardCharsets.UTF_8));
        assertEquals(404, bytes(deployment.request("/boot/1a2b3c4d/missing.txt").GET()).statusCode());
        assertEquals(404, admin.get("/boot/1a2b3c4d/config.txt").status());
    }

    @Test
    void aFileCopiedIntoTheImportFolderIsRegisteredWithoutCopying() throws IOException {
        byte[] data = random(1024 * 1024, 8);
        Path copied = Files.write(IMAGES.resolve("import").resolve("scp-copied.img"), data);
        Object inode = Files.getAttribute(copied, "unix:ino");
        Reply imported = admin.post("/api/images/import",
                "{\"filename\":\"scp-copied.img\",\"product_type\":\"KXP2\",\"version\":\"it-import\"}");
        assertEquals(201, imported.status(), imported.toString());
        assertEquals(sha256(data), imported.json().getString("checksum"));
        String name = imported.json().getString("filename");
        assertEquals("kxp2_vit-import_scp-copied.img", name);
        assertFalse(Files.exists(copied));
        assertEquals(inode, Files.getAttribute(IMAGES.resolve(name), "unix:ino"), "renamed, not copied");
        assertArrayEquals(data, bytes(deployment.request("/images/" + name).GET()).body());

        assertField(admin.post("/api/images/import",
                "{\"filename\":\"missing.img\",\"product_type\":\"KXP2\",\"version\":\"1\"}"), 404, "filename");
        assertField(admin.post("/api/images/import",
                "{\"filename\":\"../../rpideploy.db\",\"product_type\":\"KXP2\",\"version\":\"1\"}"), 404, "filename");
        assertField(admin.post("/api/images/import", "{\"filename\":\"x.img\",\"product_type\":\"KXP2\"}"), 400,
                "version");
    }

    /** curl as a real client: a multipart upload with -F, then a download resumed with -C -. */
    @Test
    void curlUploadsAndResumesADownload() throws Exception {
        byte[] data = random(4 * 1024 * 1024 + 3, 9);
        Path dir = Files.createTempDirectory("image-it");
        Path source = Files.write(dir.resolve("curl.img"), data);
        String uploaded = curl("-sS", "-u", "admin:" + Api.ADMIN_PASSWORD, "-F", "image=@" + source,
                "-F", "product_type=RXP2", "-F", "version=it-curl", "-F", "description=sent by curl",
                "http://127.0.0.1:" + Api.MANAGEMENT_PORT + "/api/images/upload");
        assertTrue(uploaded.contains(sha256(data)), uploaded);
        String name = "rxp2_vit-curl_curl.img";
        assertTrue(uploaded.contains(name), uploaded);

        Path partial = Files.write(dir.resolve("partial.img"), Arrays.copyOf(data, 1_000_000));
        curl("-sS", "-f", "-C", "-", "-o", partial.toString(), "http://127.0.0.1:" + Api.DEPLOYMENT_PORT
                + "/images/" + name);
        assertArrayEquals(data, Files.readAllBytes(partial), "curl -C - fetched exactly the missing bytes");
    }

    @Test
    void downloadsBeyondTheLimitQueueInOrderAndClientsThatCannotWaitAreServedAtOnce() throws Exception {
        // 32 MiB of noise: more than loopback's socket buffers, so a client that stops reading keeps its slot
        Reply uploaded = upload(admin, "RXP2", "queue-1", "queue.img", random(32 << 20, 9), null);
        assertEquals(201, uploaded.status(), uploaded.toString());
        String name = uploaded.json().getString("filename");
        int capacity = admin.get("/api/downloads").json().getInt("max_concurrent");
        List<Socket> streaming = new ArrayList<>();
        try {
            for (int i = 0; i < capacity; i++) {
                Socket socket = startDownload(name, "board-" + i);
                assertTrue(statusLine(socket).contains(" 200 "), "slot " + i);
                streaming.add(socket);
            }
            for (int i = 1; i <= 5; i++) {
                HttpResponse<byte[]> queued = waitingDownload(name, "late-" + i);
                assertEquals(503, queued.statusCode());
                assertEquals(String.valueOf(i), queued.headers().firstValue("X-RpiDeploy-Queue-Position").orElse(""));
                assertTrue(Integer.parseInt(queued.headers().firstValue("Retry-After").orElse("0")) >= 1);
            }
            JsonObject queue = admin.get("/api/downloads").json();
            assertEquals(capacity, queue.getJsonArray("streaming").size());
            assertEquals(5, queue.getJsonArray("waiting").size());

            streaming.remove(0).close(); // a board finishes (here: hangs up); its slot goes to the head of the queue
            awaitStreaming(capacity - 1);
            assertEquals(503, waitingDownload(name, "late-2").statusCode(), "late-2 may not overtake late-1");
            Socket first = startDownload(name, "late-1");
            assertTrue(statusLine(first).contains(" 200 "), "late-1 is admitted when it comes back");
            streaming.add(first);

            // the plan's script announces nothing and gives up after 30 s without a byte: it is served at once,
            // above capacity, while every slot is taken and others queue
            Socket plain = new Socket();
            plain.connect(new InetSocketAddress("127.0.0.1", Api.DEPLOYMENT_PORT), 10_000);
            plain.setSoTimeout(5_000);
            plain.getOutputStream().write(("GET /images/" + name + " HTTP/1.1\r\nHost: x\r\n"
                    + "X-RpiDeploy-Client: plan-script\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(statusLine(plain).contains(" 200 "), "served at once, not held");
            streaming.add(plain);
            JsonObject above = admin.get("/api/downloads").json();
            assertEquals(capacity + 1, above.getJsonArray("streaming").size(), above.toString());
            assertTrue(above.getJsonArray("streaming").stream().anyMatch(e -> e.asJsonObject()
                    .getBoolean("above_capacity")), above.toString());
            assertEquals(503, waitingDownload(name, "late-2").statusCode(), "those that can wait still queue");
        } finally {
            for (Socket socket : streaming) {
                socket.close();
            }
        }
        awaitStreaming(0);
    }

    private static Socket startDownload(String name, String client) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(64 * 1024);
        socket.connect(new InetSocketAddress("127.0.0.1", Api.DEPLOYMENT_PORT), 10_000);
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(("GET /images/" + name + " HTTP/1.1\r\nHost: x\r\nX-RpiDeploy-Can-Wait: 1\r\n"
                + "X-RpiDeploy-Client: " + client + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return socket;
    }

    /** Reads the status line only: the rest of the image stays unread, so the download keeps its slot. */
    private static String statusLine(Socket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        InputStream in = socket.getInputStream();
        for (int c = in.read(); c != -1 && c != '\n' && line.length() < 200; c = in.read()) {
            line.append((char) c);
        }
        return line.toString();
    }

    private HttpResponse<byte[]> waitingDownload(String name, String client) {
        return bytes(deployment.request("/images/" + name).header("X-RpiDeploy-Can-Wait", "1")
                .header("X-RpiDeploy-Client", client).GET());
    }

    private void awaitStreaming(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int now = -1;
        while (System.nanoTime() < deadline) {
            now = admin.get("/api/downloads").json().getJsonArray("streaming").size();
            if (now == count) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("expected " + count + " downloads streaming, still " + now);
    }

    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "--max-time", "60"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        assertTrue(process.waitFor(70, TimeUnit.SECONDS), "curl did not finish");
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "curl failed: " + text);
        return text;
    }

    private static void assertField(Reply reply, int status, String field) {
        assertEquals(status, reply.status(), reply.toString());
        JsonObject json = reply.json();
        assertTrue(json.containsKey("error") && json.containsKey("message"), reply.toString());
        assertEquals(field, json.getString("field", null), reply.toString());
    }

    private static Reply upload(Api api, String product, String version, String filename, byte[] data,
                                String description) {
        return api.send(api.request("/api/images/upload")
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(product, version, filename, data,
                        description))));
    }

    /** A multipart/form-data body as a browser sends it; the fields after the file, as a form may order them. */
    private static byte[] multipart(String product, String version, String filename, byte[] data,
                                    String description) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            if (filename != null) {
                body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\""
                        + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                body.write(data);
                body.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            field(body, "product_type", product);
            field(body, "version", version);
            if (description != null) {
                field(body, "description", description);
            }
            body.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return body.toByteArray();
    }

    private static void field(ByteArrayOutputStream body, String name, String value) throws IOException {
        body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<byte[]> range(String name, String range) {
        return bytes(deployment.request("/images/" + name).header("Range", range).GET());
    }

    private static HttpResponse<byte[]> bytes(HttpRequest.Builder request) {
        try {
            return Api.client().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request sent byte for byte (no client normalises the path), the whole response as text. */
    private static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readNBytes(1024 * 1024), StandardCharsets.ISO_8859_1);
        }
    }

    private static List<Path> incomingFiles() throws IOException {
        try (Stream<Path> files = Files.list(IMAGES.resolve(".incoming"))) {
            return files.toList();
        }
    }

    /** Random content with a partition table in front: a file the server accepts as a disk image. */
    private static byte[] random(int size, long seed) {
        return ItImages.disk(size, seed);
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
