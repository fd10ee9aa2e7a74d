package io.rpideploy.images.control;

import java.util.Locale;

/**
 * The answer to a {@code Range} header (RFC 9110 section 14.2) for a representation of {@code size} bytes: the whole
 * file, one range of it, or "not satisfiable". Only single ranges are served as 206; a multi-range request gets
 * the whole file (a server may ignore Range, section 14.2), unless none of its ranges is satisfiable.
 */
public record ByteRange(Kind kind, long first, long last, long size) {

    public enum Kind { FULL, PARTIAL, UNSATISFIABLE }

    /** More range-specs than anyone needs; beyond this the header is ignored rather than parsed. */
    static final int MAX_SPECS = 64;

    public static ByteRange full(long size) {
        return new ByteRange(Kind.FULL, 0, size - 1, size);
    }

    public long length() {
        return kind == Kind.UNSATISFIABLE ? 0 : last - first + 1;
    }

    /** {@code Content-Range} of a 206 or a 416 (section 14.4). */
    public String contentRange() {
        return kind == Kind.UNSATISFIABLE ? "bytes */" + size : "bytes " + first + "-" + last + "/" + size;
    }

    /**
     * Parses {@code ranges-specifier = range-unit "=" range-set} (section 14.1). A header that is absent, malformed
     * or of another unit is ignored (FULL), as section 14.2 allows.
     */
    public static ByteRange parse(String header, long size) {
        if (header == null) {
            return full(size);
        }
        int equals = header.indexOf('=');
        if (equals < 0 || !header.substring(0, equals).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
            return full(size);
        }
        String[] specs = header.substring(equals + 1).split(",", MAX_SPECS + 1);
        if (specs.length > MAX_SPECS) {
            return full(size);
        }
        ByteRange single = null;
        int satisfiable = 0;
        int nonEmpty = 0;
        for (String raw : specs) {
            String spec = raw.strip();
            if (spec.isEmpty()) {
                continue; // the list rule (section 5.6.1) allows empty elements
            }
            nonEmpty++;
            ByteRange range = spec(spec, size);
            if (range == null) {
                return full(size); // a syntax error anywhere: ignore the whole header
            }
            if (range.kind == Kind.PARTIAL) {
                satisfiable++;
                single = range;
            }
        }
        if (nonEmpty == 0) {
            return full(size);
        }
        if (satisfiable == 0) {
            return new ByteRange(Kind.UNSATISFIABLE, 0, -1, size); // section 15.5.17
        }
        return nonEmpty == 1 ? single : full(size);
    }

    /** One range-spec: PARTIAL when satisfiable, UNSATISFIABLE when not, null when malformed. */
    private static ByteRange spec(String spec, long size) {
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String firstText = spec.substring(0, dash).strip();
        String lastText = spec.substring(dash + 1).strip();
        if (firstText.isEmpty()) {
            // suffix-range: the last N bytes (section 14.1.2); satisfiable when N > 0 and there is something
            long suffix = number(lastText);
            if (suffix < 0) {
                return null;
            }
            if (suffix == 0 || size == 0) {
                return new ByteRange(Kind.UNSATISFIABLE, 0, -1, size);
            }
            return new ByteRange(Kind.PARTIAL, Math.max(0, size - suffix), size - 1, size);
        }
        long first = number(firstText);
        if (first < 0) {
            return null;
        }
        long last;
        if (lastText.isEmpty()) {
            last = Long.MAX_VALUE;
        } else {
            last = number(lastText);
            if (last < 0 || last < first) {
                return null; // invalid int-range (section 14.1.1)
            }
        }
        if (first >= size) {
            return new ByteRange(Kind.UNSATISFIABLE, 0, -1, size);
        }
        return new ByteRange(Kind.PARTIAL, first, Math.min(last, size - 1), size);
    }

    /** 1*DIGIT as a long; values beyond long saturate (they exceed any file); -1 when not digits. */
    private static long number(String text) {
        if (text.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : value * 10 + digit;
        }
        return value;
    }
}
