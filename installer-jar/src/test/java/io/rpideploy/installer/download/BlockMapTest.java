package io.rpideploy.installer.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BlockMapTest {

    static final String BMAP = """
            <?xml version="1.0" ?>
            <bmap version="2.0">
                <ImageSize> 40960 </ImageSize>
                <BlockSize> 4096 </BlockSize>
                <BlocksCount> 10 </BlocksCount>
                <MappedBlocksCount> 4 </MappedBlocksCount>
                <ChecksumType> sha256 </ChecksumType>
                <BlockMap>
                    <Range chksum="%s"> 0-1 </Range>
                    <Range chksum="%s"> 5 </Range>
                    <Range chksum="%s"> 9 </Range>
                </BlockMap>
            </bmap>
            """;

    @Test
    void readsRangesAsByteRanges() {
        BlockMap m = BlockMap.parse(BMAP.formatted("a".repeat(64), "b".repeat(64), "c".repeat(64))
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(4096, m.blockSize());
        assertEquals(3, m.ranges().size());
        assertEquals(new BlockMap.Range(0, 8192, "a".repeat(64)), m.ranges().get(0));
        assertEquals(new BlockMap.Range(20480, 24576, "b".repeat(64)), m.ranges().get(1));
        assertEquals(4 * 4096, m.mappedBytes());
        assertEquals("SHA-256", m.algorithm());
    }

    @Test
    void refusesInconsistentOrHostileFiles() {
        String wrongCount = BMAP.replace("<MappedBlocksCount> 4 <", "<MappedBlocksCount> 5 <");
        assertThrows(IllegalArgumentException.class, () -> BlockMap.parse(wrongCount.getBytes()));
        String outside = BMAP.replace("> 9 <", "> 10 <");
        assertThrows(IllegalArgumentException.class, () -> BlockMap.parse(outside.getBytes()));
        String doctype = "<?xml version=\"1.0\"?><!DOCTYPE bmap [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<bmap version=\"2.0\">&x;</bmap>";
        assertThrows(IllegalArgumentException.class, () -> BlockMap.parse(doctype.getBytes()));
        String badSum = BMAP.replace("<BlockMap>", "<BmapFileChecksum> " + "0".repeat(63) + "1 </BmapFileChecksum><BlockMap>");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockMap.parse(badSum.getBytes()));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void retryAfterIsBounded() {
        assertEquals(7000, ImageStream.retryAfterMillis(" 7 "));
        assertEquals(300_000, ImageStream.retryAfterMillis("99999"));
        assertEquals(5000, ImageStream.retryAfterMillis("Wed, 21 Oct 2026 07:28:00 GMT"));
        assertEquals(5000, ImageStream.retryAfterMillis(null));
    }

    @Test
    void formatBySuffix() {
        assertEquals(Decoders.Format.XZ, Decoders.formatOf("http://s/a.img.xz?token=1"));
        assertEquals(Decoders.Format.ZSTD, Decoders.formatOf("http://s/a.img.ZST"));
        assertEquals(Decoders.Format.GZIP, Decoders.formatOf("http://s/a.img.gz"));
        assertEquals(Decoders.Format.RAW, Decoders.formatOf("http://s/a.img"));
    }
}
