package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.images.control.TestBmaps;
import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Block maps of registered images: accepted with the upload or by {@code PUT /api/images/{id}/bmap}, refused when
 * they are not a checked bmap 2.x of that image (XXE, another image's size or bytes, data left unmapped, ...), with
 * nothing stored changed; and
 * served as {@code /images/<image>.bmap} on the deployment listener for a registered image that has one only.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ImageBmapIT {

    private static final String BOUNDARY = "it-bmap-boundary-3c9e";
    private static final Path IMAGES = Path.of(System.getenv("RPIDEPLOY_HOME")).resolve("images");

    @Deployment(testable = false)
    static WebArchive war() {
        return ItServer.war();
    }

    private final Api admin = Api.admin();
    private final Api deployment = Api.deployment();

    @Test
    void aBmapUploadedWithTheImageIsServedBesideIt() throws Exception {
        byte[] image = ItImages.disk(64 * 4096 + 300, 41);
        java.util.Arrays.fill(image, 4 * 4096, 10 * 4096, (byte) 0); // what a map leaves out is zeros
        java.util.Arrays.fill(image, 21 * 4096, 60 * 4096, (byte) 0);
        String map = TestBmaps.of(image, new long[] {0, 3}, new long[] {10, 20}, new long[] {60, 64});
        Reply up = upload("KXP2", "bmap-1", "with map.img", image, map.getBytes(StandardCharsets.UTF_8));
        assertEquals(201, up.status(), up.toString());
        JsonObject view = up.json().getJsonObject("image");
        String name = view.getString("filename");
        assertTrue(view.getBoolean("has_bmap"), view.toString());
        assertEquals("/images/" + name + ".bmap", view.getString("bmap_url"));
        assertEquals(TestBmaps.sha256(bytes(map), 0, bytes(map).length), view.getString("bmap_checksum"));
        assertArrayEquals(bytes(map), Files.readAllBytes(IMAGES.resolve(name + ".bmap")), "stored beside the image");

        HttpResponse<byte[]> served = get(deployment, "/images/" + name + ".bmap");
        assertEquals(200, served.statusCode());
        assertArrayEquals(bytes(map), served.body());
        assertTrue(served.headers().firstValue("Content-Type").orElse("").startsWith("application/xml"));
        String etag = served.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, send(deployment.request("/images/" + name + ".bmap").header("If-None-Match", etag)
                .GET()).statusCode());
        HttpResponse<byte[]> head = send(deployment.request("/images/" + name + ".bmap")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(bytes(map).length), head.headers().firstValue("Content-Length").orElse(""));
        assertEquals(404, admin.get("/images/" + name + ".bmap").status(), "never on the management listener");

        // deleting the image removes its map with it, and stops serving it
        long id = view.getJsonNumber("id").longValue();
        assertEquals(204, admin.delete("/api/images/" + id).status());
        assertFalse(Files.exists(IMAGES.resolve(name + ".bmap")), "the map went with its image");
        assertEquals(404, get(deployment, "/images/" + name + ".bmap").statusCode());
    }

    @Test
    void putAcceptsAMapOfTheImageAndRefusesAnythingElseChangingNothing() throws Exception {
        byte[] image = ItImages.disk(40 * 4096, 42);
        java.util.Arrays.fill(image, 6 * 4096, 30 * 4096, (byte) 0);
        Reply up = upload("RXP2", "bmap-2", "put map.img", image, null);
        assertEquals(201, up.status(), up.toString());
        JsonObject view = up.json().getJsonObject("image");
        long id = view.getJsonNumber("id").longValue();
        String name = view.getString("filename");
        assertFalse(view.getBoolean("has_bmap"));
        assertEquals(404, get(deployment, "/images/" + name + ".bmap").statusCode(), "no map yet");

        String first = TestBmaps.of(image, new long[] {0, 39});
        Reply put = putBmap(id, first);
        assertEquals(200, put.status(), put.toString());
        assertTrue(put.json().getBoolean("has_bmap"));
        assertArrayEquals(bytes(first), get(deployment, "/images/" + name + ".bmap").body());

        String xxe = first.replace("<bmap ", "<!DOCTYPE bmap [<!ENTITY s SYSTEM \"file:///etc/hostname\">]>\n<bmap ")
                .replace("<BlockSize> 4096 </BlockSize>", "<BlockSize>&s;</BlockSize>");
        String otherSize = TestBmaps.of(ItImages.disk(41 * 4096, 42), new long[] {0, 40});
        String unordered = TestBmaps.withChecksum(TestBmaps.text(image.length, 4096, 40, 2, "sha256",
                TestBmaps.range(9, 9, "00".repeat(32)) + TestBmaps.range(3, 3, "00".repeat(32))));
        String outside = TestBmaps.withChecksum(TestBmaps.text(image.length, 4096, 40, 1, "sha256",
                TestBmaps.range(40, 40, "00".repeat(32))));
        String version1 = first.replace("version=\"2.0\"", "version=\"1.4\"");
        String sha1 = TestBmaps.withChecksum(TestBmaps.text(image.length, 4096, 40, 1, "sha1",
                TestBmaps.range(0, 0, "00".repeat(32))));
        byte[] otherBuild = image.clone();
        otherBuild[35 * 4096 + 7] ^= 1;
        String[][] refusals = {
            {TestBmaps.of(image, new long[] {0, 5}), "Block 30 is unmapped in the bmap but holds data"},
            {TestBmaps.of(otherBuild, new long[] {0, 39}), "its SHA-256 is not that of the image's blocks"},
            {xxe, "DOCTYPE"}, {otherSize, "ImageSize"}, {unordered, "ascending order"}, {outside, "outside"},
            {version1, "version 1.4"}, {sha1, "sha256"}, {"not xml at all", "well-formed"},
            {"x".repeat(16 * 1024 * 1024 + 1), "larger than 16777216"},
        };
        for (String[] refusal : refusals) {
            Reply refused = putBmap(id, refusal[0]);
            // too large: 413 before it is read (the API's body limit); everything else 400 naming the field
            assertEquals(refusal[0].length() > 16 * 1024 * 1024 ? 413 : 400, refused.status(),
                    refusal[1] + ": " + refused);
            JsonObject error = refused.json();
            assertEquals(refused.status() == 413 ? null : "bmap", error.getString("field", null), refused.toString());
            assertTrue(error.containsKey("error"), refused.toString());
            assertTrue(error.getString("message").contains(refusal[1]), refused.toString());
            // nothing stored changed: the same map, served and recorded
            assertArrayEquals(bytes(first), Files.readAllBytes(IMAGES.resolve(name + ".bmap")));
            assertArrayEquals(bytes(first), get(deployment, "/images/" + name + ".bmap").body());
            assertEquals(put.json().getString("bmap_checksum"),
                    admin.get("/api/images/" + id).json().getString("bmap_checksum"));
        }

        String second = TestBmaps.of(image, new long[] {0, 5}, new long[] {30, 39});
        Reply stale = send(admin, admin.request("/api/images/" + id + "/bmap").header("Content-Type",
                "application/xml").header("If-Match", "\"0\"").PUT(HttpRequest.BodyPublishers.ofString(second)));
        assertEquals(412, stale.status(), stale.toString());
        assertArrayEquals(bytes(first), get(deployment, "/images/" + name + ".bmap").body(), "412 changed nothing");
        assertEquals(200, putBmap(id, second).status());
        assertArrayEquals(bytes(second), get(deployment, "/images/" + name + ".bmap").body(), "replaced");

        Reply removed = admin.delete("/api/images/" + id + "/bmap");
        assertEquals(200, removed.status(), removed.toString());
        assertFalse(removed.json().getBoolean("has_bmap"));
        assertEquals(404, get(deployment, "/images/" + name + ".bmap").statusCode());
    }

    @Test
    void onlyARegisteredImagesCheckedMapIsServed() throws Exception {
        byte[] image = ItImages.disk(16 * 4096, 43);
        Reply up = upload("KXP2", "bmap-3", "plain.img", image, null);
        assertEquals(201, up.status(), up.toString());
        String name = up.json().getJsonObject("image").getString("filename");
        long id = up.json().getJsonObject("image").getJsonNumber("id").longValue();
        String map = TestBmaps.of(image, new long[] {0, 15});

        // files put in the folder by hand: an unregistered image's map, and a map for an image without one
        Files.writeString(IMAGES.resolve("planted.img.bmap"), map);
        Files.writeString(IMAGES.resolve(name + ".bmap"), map);
        assertEquals(404, get(deployment, "/images/planted.img.bmap").statusCode());
        HttpResponse<byte[]> unrecorded = get(deployment, "/images/" + name + ".bmap");
        assertEquals(404, unrecorded.statusCode());
        assertTrue(new String(unrecorded.body(), StandardCharsets.UTF_8).contains("\"error\""), "JSON error");
        int odd = get(deployment, "/images/" + name + "%2ebmap%2f..").statusCode();
        assertTrue(odd == 400 || odd == 404, "an odd spelling is refused: " + odd);

        // a recorded map changed on disk afterwards is not served either
        assertEquals(200, putBmap(id, map).status());
        assertEquals(200, get(deployment, "/images/" + name + ".bmap").statusCode());
        Files.writeString(IMAGES.resolve(name + ".bmap"), map.replace("<BlockMap>", "<BlockMap> "));
        assertEquals(503, get(deployment, "/images/" + name + ".bmap").statusCode());
    }

    @Test
    void aRefusedMapRefusesTheUploadAndStoresNothing() throws Exception {
        byte[] plain = ItImages.disk(32 * 4096, 44);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(plain);
        }
        // a compressed image's map describes the raw image: the archive's size is another image's
        String ofArchive = TestBmaps.withChecksum(TestBmaps.text(gz.size(), 4096, (gz.size() + 4095) / 4096, 1,
                "sha256", TestBmaps.range(0, 0, "00".repeat(32))));
        Reply refused = upload("RXP2", "bmap-4", "refused.img.gz", gz.toByteArray(), bytes(ofArchive));
        assertEquals(400, refused.status(), refused.toString());
        assertEquals("bmap", refused.json().getString("field"));
        assertTrue(refused.json().getString("message").contains("ImageSize"), refused.toString());
        assertFalse(admin.get("/api/images").body().contains("bmap-4"), "no image registered");
        try (var files = Files.list(IMAGES)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains("refused")), "no file stored");
        }

        Reply accepted = upload("RXP2", "bmap-5", "accepted.img.gz", gz.toByteArray(),
                bytes(TestBmaps.of(plain, new long[] {0, 31})));
        assertEquals(201, accepted.status(), accepted.toString());
        assertTrue(accepted.json().getJsonObject("image").getBoolean("has_bmap"));
    }

    private Reply putBmap(long id, String xml) {
        return send(admin, admin.request("/api/images/" + id + "/bmap").header("Content-Type", "application/xml")
                .PUT(HttpRequest.BodyPublishers.ofString(xml)));
    }

    private Reply upload(String product, String version, String filename, byte[] data, byte[] bmap) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            for (String[] field : new String[][] {{"product_type", product}, {"version", version}}) {
                body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field[0]
                        + "\"\r\n\r\n" + field[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            if (bmap != null) { // before the image, as a client may order it: kept until the image is checked
                body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"bmap\"; filename=\"x.bmap\""
                        + "\r\nContent-Type: application/xml\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                body.write(bmap);
                body.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\""
                    + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.write(data);
            body.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return send(admin, admin.request("/api/images/upload")
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    private static Reply send(Api api, HttpRequest.Builder request) {
        return api.send(request);
    }

    private static HttpResponse<byte[]> get(Api api, String path) {
        return send(api.request(path).GET());
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return Api.client().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
