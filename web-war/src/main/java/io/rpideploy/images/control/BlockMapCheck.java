package io.rpideploy.images.control;

import io.rpideploy.platform.control.DomainException;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Checks a bmaptool block map (format 2.x, as {@code bmaptool create} and {@code rpideploy image prepare} write it)
 * sent for a registered image. It is untrusted input: bounded in size, read with a streaming parser that refuses
 * any DOCTYPE (so no entity, internal or external, is ever expanded or fetched), and held to the rules the
 * installer relies on when it writes only the mapped ranges: the image's raw size, whole blocks, ranges inside the
 * image in ascending order without overlap, a SHA-256 per range, the counts adding up, and the file's own checksum;
 * then {@link #matchContent} holds it against the image's bytes.
 */
public final class BlockMapCheck {

    /**
     * Far above a real map (a few hundred KiB for a 32 GiB card), far below what would strain the heap; the API's
     * body limit for {@code PUT /api/images/{id}/bmap} is the same (platform's BodyLimits).
     */
    public static final int MAX_BYTES = 16 << 20;
    static final String FIELD = "bmap";
    private static final Pattern VERSION = Pattern.compile("2\\.\\d{1,4}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern RANGE = Pattern.compile("(\\d{1,19})(?:-(\\d{1,19}))?");

    /** What was checked: the figures for the log, the SHA-256 of the file as stored, and its ranges. */
    public record Checked(long imageSize, int blockSize, long blocksCount, long mappedBlocks, int ranges,
                          String sha256, long[] firsts, long[] lasts, String[] sums) {
        @Override
        public String toString() {
            return "bmap of " + imageSize + " bytes: " + ranges + " ranges, " + mappedBlocks + " of " + blocksCount
                    + " blocks of " + blockSize + " bytes mapped, sha256 " + sha256;
        }
    }

    private BlockMapCheck() {
    }

    /**
     * @param xml       the file as sent
     * @param imageSize the raw (uncompressed) size of the image it must describe, in bytes
     * @throws DomainException (400, field {@code bmap}) naming the first rule the file breaks
     */
    public static Checked check(byte[] xml, long imageSize) {
        if (xml.length == 0) {
            throw invalid("The bmap file is empty");
        }
        if (xml.length > MAX_BYTES) {
            throw invalid("The bmap file is larger than " + MAX_BYTES + " bytes");
        }
        Map<String, String> header = new HashMap<>();
        String version = null;
        long blockSize = -1;
        long blocksCount = -1;
        long counted = 0;
        long previousLast = -1;
        int ranges = 0;
        java.util.List<long[]> spans = new java.util.ArrayList<>();
        java.util.List<String> sums = new java.util.ArrayList<>();
        try {
            XMLStreamReader reader = factory().createXMLStreamReader(new ByteArrayInputStream(xml));
            try {
                int depth = 0;
                boolean inMap = false;
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
                        throw invalid("The bmap file declares a DOCTYPE or entities: not accepted");
                    }
                    if (event == XMLStreamConstants.END_ELEMENT) {
                        depth--;
                        if (depth == 1) {
                            inMap = false;
                        }
                        continue;
                    }
                    if (event != XMLStreamConstants.START_ELEMENT) {
                        continue;
                    }
                    depth++;
                    String name = reader.getLocalName();
                    // exactly the shape bmaptool writes: the installer's parser reads any Range anywhere and the
                    // first element of each name, so anything else could make the two read different maps
                    String prefix = reader.getPrefix();
                    String namespace = reader.getNamespaceURI();
                    if ((prefix != null && !prefix.isEmpty()) || (namespace != null && !namespace.isEmpty())) {
                        throw invalid("The bmap file uses an XML namespace (" + shortened(name) + "): not accepted");
                    }
                    if (depth > 3 || (depth == 3 && !(inMap && name.equals("Range")))) {
                        throw invalid("The bmap file has an unexpected element " + shortened(name)
                                + " (only Range inside BlockMap)");
                    }
                    if (depth == 1) {
                        if (!name.equals("bmap")) {
                            throw invalid("Not a bmap file: the root element is " + name + ", not bmap");
                        }
                        version = reader.getAttributeValue(null, "version");
                        if (version == null || !VERSION.matcher(version.strip()).matches()) {
                            throw invalid("bmap format version " + version + " is not accepted: 2.x expected"
                                    + " (bmaptool 3.x, rpideploy image prepare)");
                        }
                    } else if (depth == 2 && name.equals("BlockMap")) {
                        if (header.containsKey("BlockMap")) {
                            throw invalid("The bmap file has more than one BlockMap");
                        }
                        header.put("BlockMap", "");
                        // the header comes before the map in every bmap file; the ranges are checked against it
                        blockSize = number(header, "BlockSize");
                        blocksCount = number(header, "BlocksCount");
                        checkHeader(header, imageSize, blockSize, blocksCount);
                        inMap = true;
                    } else if (depth == 2) {
                        String text = reader.getElementText().strip();
                        depth--; // getElementText consumed the end tag
                        if (header.put(name, text) != null) {
                            throw invalid("The bmap file has " + name + " twice");
                        }
                    } else if (depth == 3 && inMap && name.equals("Range")) {
                        String sum = reader.getAttributeValue(null, "chksum");
                        String text = reader.getElementText().strip();
                        depth--;
                        ranges++;
                        var m = RANGE.matcher(text);
                        if (!m.matches()) {
                            throw invalid("bmap Range '" + shortened(text) + "' is not FIRST or FIRST-LAST");
                        }
                        long first = whole(m.group(1), text);
                        long last = m.group(2) == null ? first : whole(m.group(2), text);
                        if (first > last) {
                            throw invalid("bmap Range " + text + " ends before it starts");
                        }
                        if (last >= blocksCount) {
                            throw invalid("bmap Range " + text + " is outside the image (" + blocksCount
                                    + " blocks)");
                        }
                        if (first <= previousLast) {
                            throw invalid("bmap Range " + text + " overlaps or comes before the range before it:"
                                    + " ranges must be in ascending order");
                        }
                        if (sum == null || !SHA256.matcher(sum).matches()) {
                            throw invalid("bmap Range " + text + " has no SHA-256 (chksum) of its blocks");
                        }
                        counted += last - first + 1;
                        previousLast = last;
                        spans.add(new long[] {first, last});
                        sums.add(sum.toLowerCase(Locale.ROOT));
                    }
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException | RuntimeException e) {
            if (e instanceof DomainException d) {
                throw d;
            }
            throw invalid("The bmap file is not well-formed XML: " + shortened(String.valueOf(e.getMessage())));
        }
        if (version == null) {
            throw invalid("Not a bmap file: no bmap element");
        }
        if (!header.containsKey("BlockMap")) {
            throw invalid("The bmap file has no BlockMap");
        }
        long mapped = number(header, "MappedBlocksCount");
        if (counted != mapped) {
            throw invalid("bmap MappedBlocksCount is " + mapped + " but its ranges hold " + counted + " blocks");
        }
        if (ranges == 0) {
            throw invalid("The bmap file maps no blocks: a board would get an empty card");
        }
        String fileSum = header.get("BmapFileChecksum");
        if (fileSum != null) {
            checkFileChecksum(xml, fileSum);
        }
        return new Checked(imageSize, (int) blockSize, blocksCount, mapped, ranges, hex(sha256().digest(xml)),
                spans.stream().mapToLong(r -> r[0]).toArray(), spans.stream().mapToLong(r -> r[1]).toArray(),
                sums.toArray(String[]::new));
    }

    /**
     * Holds a checked map against the image's raw bytes: each mapped range has the SHA-256 the map gives, and each
     * unmapped block is zeros. A board writes only the mapped blocks, so a map that leaves out a block holding data
     * would give a card that differs from the image without any checksum noticing; bmaptool (holes) and image
     * prepare (free blocks discarded) both leave only zeros unmapped.
     *
     * @param raw the uncompressed image from its first byte (read to {@code imageSize}, not closed)
     * @throws DomainException (400, field bmap) for the first range or block that does not agree
     */
    public static void matchContent(Checked map, InputStream raw) throws IOException {
        int size = map.blockSize();
        byte[] block = new byte[size];
        byte[] zeros = new byte[size];
        MessageDigest sha = sha256();
        InputStream in = new BufferedInputStream(raw, 1 << 20);
        int r = 0;
        for (long b = 0; b < map.blocksCount(); b++) {
            int length = (int) Math.min(size, map.imageSize() - b * size);
            if (in.readNBytes(block, 0, length) < length) {
                throw invalid("The image ends before the bmap's ImageSize (" + map.imageSize() + " bytes)");
            }
            if (r < map.ranges() && map.firsts()[r] <= b) {
                sha.update(block, 0, length);
                if (b == map.lasts()[r]) {
                    if (!hex(sha.digest()).equals(map.sums()[r])) {
                        throw invalid("bmap Range " + map.firsts()[r] + "-" + map.lasts()[r] + ": its SHA-256 is not"
                                + " that of the image's blocks (a map of another image, or of an earlier build?)");
                    }
                    r++;
                }
            } else if (Arrays.mismatch(block, 0, length, zeros, 0, length) >= 0) {
                throw invalid("Block " + b + " is unmapped in the bmap but holds data in the image: a board would"
                        + " not write it");
            }
        }
    }

    private static void checkHeader(Map<String, String> header, long imageSize, long blockSize, long blocksCount) {
        String type = header.get("ChecksumType");
        if (type == null || !type.toLowerCase(Locale.ROOT).equals("sha256")) {
            throw invalid("bmap ChecksumType " + (type == null ? "missing" : shortened(type))
                    + ": sha256 expected");
        }
        long size = number(header, "ImageSize");
        if (size != imageSize) {
            throw invalid("bmap ImageSize is " + size + " bytes but the image is " + imageSize
                    + " bytes uncompressed: this map belongs to another image");
        }
        if (blockSize < 512 || blockSize > (1 << 20) || Long.bitCount(blockSize) != 1) {
            throw invalid("bmap BlockSize " + blockSize + " is not a power of two from 512 to 1048576");
        }
        long expected = (imageSize + blockSize - 1) / blockSize;
        if (blocksCount != expected) {
            throw invalid("bmap BlocksCount is " + blocksCount + " but ImageSize " + imageSize + " in blocks of "
                    + blockSize + " is " + expected);
        }
    }

    /**
     * {@code BmapFileChecksum}: the SHA-256 of the file with this value replaced by as many zeros, as bmaptool and
     * our installer compute it (the installer stops with a checksum error on a mismatch, so it is refused here).
     */
    private static void checkFileChecksum(byte[] xml, String expected) {
        if (!SHA256.matcher(expected).matches()) {
            throw invalid("bmap BmapFileChecksum is not a SHA-256");
        }
        String text = new String(xml, StandardCharsets.UTF_8);
        String zeroed = text.replace(expected, "0".repeat(expected.length()));
        String actual = hex(sha256().digest(zeroed.getBytes(StandardCharsets.UTF_8)));
        if (!actual.equalsIgnoreCase(expected)) {
            throw invalid("bmap BmapFileChecksum does not match the file (damaged or edited after it was made)");
        }
    }

    private static XMLInputFactory factory() {
        // the JDK's own parser, whatever the server bundles; no DTD, no external anything
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f;
    }

    private static long number(Map<String, String> header, String name) {
        String text = header.get(name);
        if (text == null) {
            throw invalid("The bmap file has no " + name);
        }
        try {
            long value = Long.parseLong(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw invalid("bmap " + name + " '" + shortened(text) + "' is not a whole number of 0 or more");
    }

    private static long whole(String digits, String range) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLarge) {
            throw invalid("bmap Range " + range + " is outside the image");
        }
    }

    private static String shortened(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    private static DomainException invalid(String message) {
        return DomainException.invalid(FIELD, message);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
