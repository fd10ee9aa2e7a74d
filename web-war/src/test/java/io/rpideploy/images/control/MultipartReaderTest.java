package io.rpideploy.images.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartReaderTest {

    private static final String BOUNDARY = "----b0undary";

    private static byte[] body(byte[] file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("preamble\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"version\"\r\n\r\n1.2"
                + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a \\\"b\\\".img\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(file);
        out.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Hands out at most 7 bytes per read, so boundaries straddle every buffer edge. */
    private static InputStream trickle(byte[] data) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7));
            }
        };
    }

    @Test
    void readsFieldsAndAFileWhoseBytesLookLikeTheBoundary() throws IOException {
        byte[] file = new byte[700_000];
        new Random(7).nextBytes(file);
        byte[] nearly = ("\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1)).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(nearly, 0, file, MultipartReader.BUFFER - 3, nearly.length);
        for (InputStream in : new InputStream[] {new ByteArrayInputStream(body(file)), trickle(body(file))}) {
            MultipartReader reader = new MultipartReader(in, BOUNDARY);
            MultipartReader.Part version = reader.next().orElseThrow();
            assertEquals("version", version.name());
            assertFalse(version.isFile());
            assertEquals("1.2", new String(version.content().readAllBytes(), StandardCharsets.UTF_8));
            MultipartReader.Part image = reader.next().orElseThrow();
            assertEquals("image", image.name());
            assertEquals("a \"b\".img", image.filename());
            assertArrayEquals(file, image.content().readAllBytes());
            assertEquals(Optional.empty(), reader.next());
        }
    }

    @Test
    void unreadPartsAreSkipped() throws IOException {
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body(new byte[10])), BOUNDARY);
        reader.next().orElseThrow();
        assertEquals("image", reader.next().orElseThrow().name());
        assertTrue(reader.next().isEmpty());
    }

    @Test
    void aTruncatedBodyIsAnEofNotAPart() throws IOException {
        byte[] whole = body(new byte[300_000]);
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(Arrays.copyOf(whole, 200_000)),
                BOUNDARY);
        reader.next().orElseThrow();
        InputStream content = reader.next().orElseThrow().content();
        assertThrows(EOFException.class, content::readAllBytes);
    }

    @Test
    void boundaryComesFromTheContentType() {
        assertEquals(Optional.of("abc"), MultipartReader.boundary("multipart/form-data; boundary=abc"));
        assertEquals(Optional.of("a b"), MultipartReader.boundary("Multipart/Form-Data;charset=x; BOUNDARY=\"a b\""));
        assertEquals(Optional.empty(), MultipartReader.boundary("application/json"));
        assertEquals(Optional.empty(), MultipartReader.boundary("multipart/form-data"));
        assertEquals(Optional.empty(), MultipartReader.boundary(null));
        assertEquals(Optional.empty(), MultipartReader.boundary("multipart/form-data; boundary=" + "x".repeat(71)));
        assertNull(MultipartReader.parameter("form-data; name=\"x\"", "filename"));
        assertEquals("", MultipartReader.parameter("form-data; name=\"image\"; filename=\"\"", "filename"));
    }

    @Test
    void headersWithoutEndAreRefused() {
        byte[] endless = ("--" + BOUNDARY + "\r\nX: " + "y".repeat(MultipartReader.MAX_HEADER_BYTES + 10))
                .getBytes(StandardCharsets.UTF_8);
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(endless), BOUNDARY);
        assertThrows(MultipartReader.Malformed.class, reader::next);
    }
}
