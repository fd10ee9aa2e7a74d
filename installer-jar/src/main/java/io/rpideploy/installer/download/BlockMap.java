package io.rpideploy.installer.download;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A bmaptool block map (format 1.4 and 2.x): image size, block size and the mapped block ranges, each with its
 * checksum. The file's own checksum ({@code BmapFileChecksum}/{@code BmapFileSHA1}) is checked when present:
 * it is the digest of the file with that field's value replaced by zeros, as bmaptool computes it.
 */
public record BlockMap(long imageSize, int blockSize, long blocksCount, long mappedBlocksCount, String algorithm,
                       List<Range> ranges) {

    /** Bytes [start, end) of the image with their expected checksum (lower-case hex, may be null). */
    public record Range(long start, long end, String checksum) {
        public long length() {
            return end - start;
        }
    }

    public long mappedBytes() {
        long sum = 0;
        for (Range r : ranges) {
            sum += r.length();
        }
        return sum;
    }

    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static BlockMap parse(byte[] xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            Document doc = b.parse(new ByteArrayInputStream(xml));
            Element root = doc.getDocumentElement();
            if (!"bmap".equals(root.getTagName())) {
                throw new IllegalArgumentException("not a bmap file (root element " + root.getTagName() + ")");
            }
            String version = root.getAttribute("version");
            int blockSize = Integer.parseInt(text(root, "BlockSize", true));
            long blocksCount = Long.parseLong(text(root, "BlocksCount", true));
            long mapped = Long.parseLong(text(root, "MappedBlocksCount", true));
            long imageSize = Long.parseLong(text(root, "ImageSize", true));
            String type = text(root, "ChecksumType", false);
            String algorithm;
            if (type == null) {
                if (!version.startsWith("1.")) {
                    throw new IllegalArgumentException("bmap " + version + " without ChecksumType");
                }
                algorithm = "SHA-1";
            } else {
                algorithm = switch (type.toLowerCase(Locale.ROOT)) {
                    case "sha256" -> "SHA-256";
                    case "sha1" -> "SHA-1";
                    default -> throw new IllegalArgumentException("unsupported bmap ChecksumType " + type);
                };
            }
            if (blockSize <= 0 || blocksCount < 0 || mapped < 0 || mapped > blocksCount
                    || imageSize > blocksCount * blockSize) {
                throw new IllegalArgumentException("inconsistent bmap header");
            }
            String fileSum = text(root, "BmapFileChecksum", false);
            if (fileSum == null) {
                fileSum = text(root, "BmapFileSHA1", false);
            }
            if (fileSum != null) {
                checkFileChecksum(xml, fileSum, algorithm);
            }
            List<Range> ranges = new ArrayList<>();
            NodeList list = root.getElementsByTagName("Range");
            long counted = 0;
            long previousEnd = 0;
            for (int i = 0; i < list.getLength(); i++) {
                Element e = (Element) list.item(i);
                String[] parts = e.getTextContent().trim().split("-");
                long first = Long.parseLong(parts[0].trim());
                long last = parts.length > 1 ? Long.parseLong(parts[1].trim()) : first;
                if (first > last || last >= blocksCount) {
                    throw new IllegalArgumentException("bad bmap range " + e.getTextContent().trim());
                }
                long start = first * blockSize;
                if (start < previousEnd) {
                    throw new IllegalArgumentException("bmap ranges overlap or are out of order");
                }
                long end = Math.min((last + 1) * blockSize, imageSize);
                String sum = e.getAttribute("chksum");
                if (sum.isEmpty()) {
                    sum = e.getAttribute("sha1");
                }
                ranges.add(new Range(start, end, sum.isEmpty() ? null : sum.toLowerCase(Locale.ROOT)));
                counted += last - first + 1;
                previousEnd = end;
            }
            if (counted != mapped) {
                throw new IllegalArgumentException("bmap MappedBlocksCount " + mapped + " but ranges hold " + counted);
            }
            return new BlockMap(imageSize, blockSize, blocksCount, mapped, algorithm, List.copyOf(ranges));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("unreadable bmap: " + e.getMessage(), e);
        }
    }

    private static void checkFileChecksum(byte[] xml, String expected, String algorithm) throws Exception {
        String text = new String(xml, StandardCharsets.UTF_8);
        String zeroed = text.replace(expected, "0".repeat(expected.length()));
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance(algorithm)
                .digest(zeroed.getBytes(StandardCharsets.UTF_8)));
        if (!actual.equalsIgnoreCase(expected)) {
            throw new IllegalArgumentException("bmap file checksum mismatch (expected " + expected + ", got "
                    + actual + ")");
        }
    }

    private static String text(Element root, String tag, boolean required) {
        NodeList list = root.getElementsByTagName(tag);
        if (list.getLength() == 0) {
            if (required) {
                throw new IllegalArgumentException("bmap without " + tag);
            }
            return null;
        }
        return list.item(0).getTextContent().trim();
    }
}
