package io.rpideploy.images.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.rpideploy.platform.control.DomainException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockMapCheckTest {

    private static final String SUM = "ab".repeat(32);

    @TempDir
    Path tmp;

    private final byte[] image = image();

    private static byte[] image() {
        byte[] data = new byte[10 * 4096 + 100]; // 11 blocks, the last one partial
        new Random(7).nextBytes(data);
        return data;
    }

    @Test
    void aBmapOfTheImageIsAcceptedWithItsFigures() {
        String xml = TestBmaps.of(image, new long[] {0, 2}, new long[] {5, 5}, new long[] {8, 10});
        BlockMapCheck.Checked checked = BlockMapCheck.check(bytes(xml), image.length);
        assertEquals(image.length, checked.imageSize());
        assertEquals(4096, checked.blockSize());
        assertEquals(11, checked.blocksCount());
        assertEquals(7, checked.mappedBlocks());
        assertEquals(3, checked.ranges());
        assertEquals(TestBmaps.sha256(bytes(xml), 0, bytes(xml).length), checked.sha256());
    }

    /** What Debian's bmap-tools writes (when it is installed) is accepted as it is. */
    @Test
    void aMapWrittenByBmaptoolIsAccepted() throws Exception {
        Path tool = Path.of("/usr/bin/bmaptool");
        assumeTrue(Files.isExecutable(tool), "bmap-tools not installed");
        Path image = tmp.resolve("sparse.img");
        try (var file = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(20L << 20);
            file.seek(7 * 4096);
            file.write(this.image);
            file.seek(3000 * 4096);
            file.write(this.image, 0, 3 * 4096);
        }
        Path map = tmp.resolve("sparse.img.bmap");
        Process p = new ProcessBuilder(tool.toString(), "create", image.toString(), "-o", map.toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, said);
        BlockMapCheck.Checked checked = BlockMapCheck.check(Files.readAllBytes(map), 20L << 20);
        try (var in = Files.newInputStream(image)) {
            BlockMapCheck.matchContent(checked, in); // holes unmapped, data mapped with bmaptool's SHA-256
        }
        assertEquals(5120, checked.blocksCount());
        assertTrue(checked.mappedBlocks() >= 14 && checked.mappedBlocks() < 5120, checked.toString());
    }

    /** The map must describe these bytes: its ranges' SHA-256, and zeros wherever it maps nothing. */
    @Test
    void theMapIsHeldAgainstTheImagesBytes() throws Exception {
        byte[] data = image.clone();
        java.util.Arrays.fill(data, 3 * 4096, 8 * 4096, (byte) 0);
        BlockMapCheck.Checked map = BlockMapCheck.check(bytes(TestBmaps.of(data, new long[] {0, 2},
                new long[] {8, 10})), data.length);
        BlockMapCheck.matchContent(map, new java.io.ByteArrayInputStream(data)); // agrees

        byte[] unmappedData = data.clone();
        unmappedData[5 * 4096 + 9] = 1;
        assertTrue(contentRefused(map, unmappedData).contains("Block 5 is unmapped in the bmap but holds data"));
        byte[] otherBuild = data.clone();
        otherBuild[9 * 4096] ^= 1;
        assertTrue(contentRefused(map, otherBuild).contains("Range 8-10: its SHA-256 is not that of the image"));
        assertTrue(contentRefused(map, java.util.Arrays.copyOf(data, data.length - 1)).contains("ends before"));
    }

    private static String contentRefused(BlockMapCheck.Checked map, byte[] data) {
        DomainException e = assertThrows(DomainException.class,
                () -> BlockMapCheck.matchContent(map, new java.io.ByteArrayInputStream(data)));
        assertEquals("bmap", e.field());
        return e.getMessage();
    }

    @Test
    void anotherImagesSizeIsRefused() {
        String xml = TestBmaps.of(image, new long[] {0, 10});
        String message = refused(xml, image.length + 4096);
        assertTrue(message.contains("ImageSize is " + image.length) && message.contains("another image"), message);
    }

    @Test
    void formatVersionOneAndOtherChecksumsAreRefused() {
        String v1 = TestBmaps.of(image, new long[] {0, 10}).replace("version=\"2.0\"", "version=\"1.4\"");
        assertTrue(refused(v1, image.length).contains("version 1.4"));
        String sha1 = TestBmaps.withChecksum(TestBmaps.text(image.length, 4096, 11, 1, "sha1",
                TestBmaps.range(0, 0, SUM)));
        assertTrue(refused(sha1, image.length).contains("sha256 expected"));
    }

    @Test
    void rangesOutsideTheImageOrOutOfOrderAreRefused() {
        String outside = TestBmaps.withChecksum(TestBmaps.text(image.length, 4096, 11, 2, "sha256",
                TestBmaps.range(10, 11, SUM)));
        assertTrue(refused(outside, image.length).contains("outside the image"));
        String order = TestBmaps.withChecksum(TestBmaps.text(image.length, 4096, 11, 2, "sha256",
                TestBmaps.range(5, 5, SUM) + TestBmaps.range(2, 2, SUM)));
        assertTrue(refused(order, image.length).contains("ascending order"));
        String overlap = TestBmaps.withChecksum(TestBmaps.text(image.length, 4096, 11, 5, "sha256",
                TestBmaps.range(2, 4, SUM) + TestBmaps.range(4, 5, SUM)));
        assertTrue(refused(overlap, image.length).contains("overlaps"));
        String huge = TestBmaps.withChecksum(TestBmaps.text(image.length, 4096, 11, 1, "sha256",
                TestBmaps.range(99999999999999999L, 99999999999999999L, SUM)));
        assertTrue(refused(huge, image.length).contains("outside the image"));
    }

    @Test
    void countsAndChecksumsMustAgree() {
        String counts = TestBmaps.withChecksum(TestBmaps.text(image.length, 4096, 11, 3, "sha256",
                TestBmaps.range(0, 1, SUM)));
        assertTrue(refused(counts, image.length).contains("MappedBlocksCount is 3"));
        String blocks = TestBmaps.withChecksum(TestBmaps.text(image.length, 4096, 12, 1, "sha256",
                TestBmaps.range(0, 0, SUM)));
        assertTrue(refused(blocks, image.length).contains("BlocksCount is 12"));
        String noSum = TestBmaps.withChecksum(TestBmaps.text(image.length, 4096, 11, 1, "sha256",
                "<Range> 0 </Range>"));
        assertTrue(refused(noSum, image.length).contains("no SHA-256"));
        String edited = TestBmaps.of(image, new long[] {0, 10}).replace("</BlockMap>", "<!-- x --></BlockMap>");
        assertTrue(refused(edited, image.length).contains("BmapFileChecksum does not match"));
        String empty = TestBmaps.withChecksum(TestBmaps.text(image.length, 4096, 11, 0, "sha256", ""));
        assertTrue(refused(empty, image.length).contains("maps no blocks"));
    }

    /** What the installer's parser would read differently from ours: prefixed or nested elements. */
    @Test
    void onlyTheShapeBmaptoolWritesIsAccepted() {
        String prefixed = TestBmaps.withChecksum(TestBmaps.text(image.length, 4096, 11, 2, "sha256",
                TestBmaps.range(0, 0, SUM) + "<x:Range xmlns:x=\"urn:x\" chksum=\"" + SUM + "\"> 5 </x:Range>"));
        assertTrue(refused(prefixed, image.length).contains("namespace"));
        String nested = TestBmaps.withChecksum(TestBmaps.text(image.length, 4096, 11, 1, "sha256",
                TestBmaps.range(0, 0, SUM) + "<Foo><MappedBlocksCount>1</MappedBlocksCount></Foo>"));
        assertTrue(refused(nested, image.length).contains("unexpected element Foo"));
    }

    @Test
    void notABmapIsRefused() {
        assertTrue(refused("", 1).contains("empty"));
        assertTrue(refused("<bmap version=\"2.0\"><ImageSize>1", 1).contains("not well-formed"));
        assertTrue(refused("<html/>", 1).contains("root element is html"));
        assertTrue(refused("{\"ranges\": []}", 1).contains("not well-formed"));
        byte[] big = new byte[BlockMapCheck.MAX_BYTES + 1];
        DomainException e = assertThrows(DomainException.class, () -> BlockMapCheck.check(big, 1));
        assertTrue(e.getMessage().contains("larger than"));
    }

    /** XXE: neither a file nor a URL named by an entity is read, and the refusal says why. */
    @Test
    void externalEntitiesAreNeverResolved() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret"), "4096");
        AtomicInteger fetched = new AtomicInteger();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            fetched.incrementAndGet();
            byte[] body = "<!ENTITY size \"4096\">".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/x.dtd";
            String valid = TestBmaps.of(image, new long[] {0, 10});
            String[] attacks = {
                valid.replace("<bmap ", "<!DOCTYPE bmap [<!ENTITY s SYSTEM \"" + secret.toUri() + "\">]>\n<bmap ")
                        .replace("<BlockSize> 4096 </BlockSize>", "<BlockSize>&s;</BlockSize>"),
                valid.replace("<bmap ", "<!DOCTYPE bmap SYSTEM \"" + url + "\">\n<bmap "),
                valid.replace("<bmap ", "<!DOCTYPE bmap [<!ENTITY % p SYSTEM \"" + url + "\"> %p;]>\n<bmap "),
                valid.replace("<bmap ", "<!DOCTYPE bmap [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                        + "\n<bmap ").replace("<ChecksumType> sha256", "<ChecksumType> &b;"),
                valid.replace("<BlockSize> 4096 </BlockSize>", "<BlockSize>&undeclared;</BlockSize>"),
            };
            for (String attack : attacks) {
                String message = refused(attack, image.length);
                assertFalse(message.contains(secret.toString()), message);
            }
            assertEquals(0, fetched.get(), "an entity's URL was fetched");
        } finally {
            http.stop(0);
        }
    }

    private static String refused(String xml, long imageSize) {
        DomainException e = assertThrows(DomainException.class, () -> BlockMapCheck.check(bytes(xml), imageSize));
        assertEquals(DomainException.Kind.INVALID_INPUT, e.kind());
        assertEquals("bmap", e.field());
        return e.getMessage();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
