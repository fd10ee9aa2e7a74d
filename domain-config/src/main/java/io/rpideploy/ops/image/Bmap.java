package io.rpideploy.ops.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A bmaptool block map, format 2.0 (what bmap-tools 3.x writes and reads): the image's 4 KiB blocks that carry data,
 * in ranges, each with the SHA-256 of its bytes, and {@code BmapFileChecksum}, the SHA-256 of the file with that
 * field's value all zeros. Which blocks are unmapped is decided by the caller from the file system's free blocks,
 * not from holes or zeros: a block of zeros inside a file is data and must be written.
 */
final class Bmap {

    static final int BLOCK = 4096;
    private static final String ZERO_SUM = "0".repeat(64);

    private Bmap() {
    }

    /** Result figures for the report. */
    record Written(long blocks, long mapped) {
    }

    /**
     * Writes the map of {@code image} into the existing file {@code bmap}: every block is mapped but those set in
     * {@code unmapped}.
     */
    static Written write(Path image, BitSet unmapped, Path bmap) throws IOException {
        long size = Files.size(image);
        long blocks = (size + BLOCK - 1) / BLOCK;
        StringBuilder ranges = new StringBuilder();
        long mapped = 0;
        try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ)) {
            long b = 0;
            while (b < blocks) {
                if (unmapped.get((int) b)) {
                    b++;
                    continue;
                }
                long first = b;
                while (b < blocks && !unmapped.get((int) b)) {
                    b++;
                }
                long last = b - 1;
                mapped += b - first;
                String sum = sha256(in, first * BLOCK, Math.min(size, b * BLOCK) - first * BLOCK);
                ranges.append("        <Range chksum=\"").append(sum).append("\"> ")
                        .append(first == last ? String.valueOf(first) : first + "-" + last).append(" </Range>\n");
            }
        }
        String xml = "<?xml version=\"1.0\" ?>\n"
                + "<!-- The block map of an image prepared by rpideploy image prepare: the blocks that hold data\n"
                + "     (everything but the root file system's free blocks), for bmaptool copy and the installer. -->\n"
                + "<bmap version=\"2.0\">\n"
                + "    <!-- Image size in bytes: " + mib(size) + " -->\n"
                + "    <ImageSize> " + size + " </ImageSize>\n\n"
                + "    <!-- Size of a block in bytes -->\n"
                + "    <BlockSize> " + BLOCK + " </BlockSize>\n\n"
                + "    <!-- Count of blocks in the image file -->\n"
                + "    <BlocksCount> " + blocks + " </BlocksCount>\n\n"
                + "    <!-- Count of mapped blocks: " + mib(mapped * BLOCK) + " -->\n"
                + "    <MappedBlocksCount> " + mapped + " </MappedBlocksCount>\n\n"
                + "    <!-- Type of checksum used in this file -->\n"
                + "    <ChecksumType> sha256 </ChecksumType>\n\n"
                + "    <!-- The checksum of this bmap file, computed with this value all \"0\" -->\n"
                + "    <BmapFileChecksum> " + ZERO_SUM + " </BmapFileChecksum>\n\n"
                + "    <BlockMap>\n" + ranges + "    </BlockMap>\n"
                + "</bmap>\n";
        String sum = HexFormat.of().formatHex(digest().digest(xml.getBytes(StandardCharsets.UTF_8)));
        // into the file the caller made (never through a link: it may run as root in a shared folder)
        Files.writeString(bmap, xml.replace("<BmapFileChecksum> " + ZERO_SUM, "<BmapFileChecksum> " + sum),
                StandardCharsets.UTF_8, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                LinkOption.NOFOLLOW_LINKS);
        return new Written(blocks, mapped);
    }

    private static String sha256(FileChannel in, long offset, long length) throws IOException {
        MessageDigest sha = digest();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        long done = 0;
        while (done < length) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), length - done));
            int n = in.read(buffer, offset + done);
            if (n < 0) {
                throw new IOException("the image ended early while hashing");
            }
            buffer.flip();
            sha.update(buffer);
            done += n;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
