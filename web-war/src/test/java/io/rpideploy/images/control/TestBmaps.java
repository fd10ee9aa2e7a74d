package io.rpideploy.images.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** bmap 2.0 files as bmaptool writes them, for tests: the ranges' SHA-256 from the image's bytes. */
public final class TestBmaps {

    private static final String ZEROS = "0".repeat(64);

    private TestBmaps() {
    }

    /** The map of {@code image} with these block ranges ({first, last} pairs, 4 KiB blocks) mapped. */
    public static String of(byte[] image, long[]... ranges) {
        StringBuilder map = new StringBuilder();
        long mapped = 0;
        for (long[] r : ranges) {
            int from = (int) (r[0] * 4096);
            int to = (int) Math.min(image.length, (r[1] + 1) * 4096);
            map.append(range(r[0], r[1], sha256(image, from, to - from)));
            mapped += r[1] - r[0] + 1;
        }
        return withChecksum(text(image.length, 4096, (image.length + 4095) / 4096, mapped, "sha256", map.toString()));
    }

    public static String range(long first, long last, String sum) {
        return "        <Range chksum=\"" + sum + "\"> " + (first == last ? first + "" : first + "-" + last)
                + " </Range>\n";
    }

    /** A bmap with the given header values and ranges, its BmapFileChecksum all zeros (see withChecksum). */
    public static String text(long imageSize, int blockSize, long blocks, long mapped, String type, String ranges) {
        return "<?xml version=\"1.0\" ?>\n<bmap version=\"2.0\">\n"
                + "    <ImageSize> " + imageSize + " </ImageSize>\n"
                + "    <BlockSize> " + blockSize + " </BlockSize>\n"
                + "    <BlocksCount> " + blocks + " </BlocksCount>\n"
                + "    <MappedBlocksCount> " + mapped + " </MappedBlocksCount>\n"
                + "    <ChecksumType> " + type + " </ChecksumType>\n"
                + "    <BmapFileChecksum> " + ZEROS + " </BmapFileChecksum>\n"
                + "    <BlockMap>\n" + ranges + "    </BlockMap>\n</bmap>\n";
    }

    /** Fills in BmapFileChecksum: the SHA-256 of the file with that value all zeros. */
    public static String withChecksum(String zeroed) {
        byte[] bytes = zeroed.getBytes(StandardCharsets.UTF_8);
        return zeroed.replace("<BmapFileChecksum> " + ZEROS, "<BmapFileChecksum> " + sha256(bytes, 0, bytes.length));
    }

    public static String sha256(byte[] data, int offset, int length) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(data, offset, length);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
