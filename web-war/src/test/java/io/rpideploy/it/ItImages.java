package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/** Master images for integration tests, uploaded as the plan's form does (multipart fields image, product_type, version). */
final class ItImages {

    private static final String BOUNDARY = "it-images-boundary-7f3a";

    private ItImages() {
    }

    /** Uploads and activates an image; returns the registered image as the API shows it. */
    static JsonObject uploadActive(Api admin, String product, String version, String filename, byte[] data) {
        Reply up = admin.send(admin.request("/api/images/upload")
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(product, version, filename, data))));
        assertEquals(201, up.status(), up.toString());
        JsonObject image = up.json().getJsonObject("image");
        Reply activated = admin.post("/api/images/" + image.getJsonNumber("id").longValue() + "/activate", "");
        assertEquals(200, activated.status(), activated.toString());
        return image;
    }

    /**
     * Random bytes shaped as a disk image: an MBR with a FAT32 and a Linux partition in the first sector, as a card
     * a board boots has (the server refuses files without a partition table).
     */
    static byte[] disk(int size, long seed) {
        byte[] data = new byte[size];
        new java.util.Random(seed).nextBytes(data);
        return stampPartitionTable(data);
    }

    /** Writes an MBR partition table into the first sector of {@code data} (at least 512 bytes). */
    static byte[] stampPartitionTable(byte[] data) {
        java.util.Arrays.fill(data, 446, 510, (byte) 0);
        data[446 + 4] = 0x0c;
        data[446 + 16 + 4] = (byte) 0x83;
        data[510] = 0x55;
        data[511] = (byte) 0xAA;
        return data;
    }

    static byte[] multipart(String product, String version, String filename, byte[] data) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\""
                    + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.write(data);
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
            for (String[] field : new String[][] {{"product_type", product}, {"version", version}}) {
                body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field[0]
                        + "\"\r\n\r\n" + field[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            body.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return body.toByteArray();
    }
}
