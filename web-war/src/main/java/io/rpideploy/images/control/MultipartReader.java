package io.rpideploy.images.control;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * A streaming reader of a {@code multipart/form-data} body (RFC 7578 over RFC 2046 section 5.1.1): one part at a time,
 * each part's content read as a stream through a fixed buffer, so a 16 GiB file passes in constant memory and can
 * be hashed on the way to disk. Any malformation is a {@link Malformed}; a body that ends early is an
 * {@link EOFException} (the client went away).
 */
public final class MultipartReader {

    static final int BUFFER = 256 * 1024;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_BOUNDARY = 70; // RFC 2046 section 5.1.1

    private final InputStream in;
    /** CRLF "--" boundary: what ends a part's content. */
    private final byte[] delimiter;
    private final byte[] buf;
    private int head;
    private int tail;
    private boolean finished;

    /** One part's headers; its content is {@link #content()} until the next call of {@link #next()}. */
    public record Part(String name, String filename, String contentType, InputStream content) {
        public boolean isFile() {
            return filename != null;
        }
    }

    /** The body is not multipart as announced. */
    public static final class Malformed extends IOException {
        public Malformed(String message) {
            super(message, null);
        }
    }

    public MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[BUFFER + delimiter.length];
        // the first boundary may start the body without a CRLF before it: pretend there was one
        buf[0] = '\r';
        buf[1] = '\n';
        tail = 2;
    }

    /** The boundary parameter of a multipart/form-data Content-Type, if it is one. */
    public static Optional<String> boundary(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String[] params = contentType.split(";");
        if (!params[0].strip().equalsIgnoreCase("multipart/form-data")) {
            return Optional.empty();
        }
        for (int i = 1; i < params.length; i++) {
            String param = params[i].strip();
            if (param.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String value = unquote(param.substring("boundary=".length()).strip());
                return value.isEmpty() || value.length() > MAX_BOUNDARY ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** The next part, or empty after the closing boundary. Skips what the caller left unread of the last one. */
    public Optional<Part> next() throws IOException {
        if (finished) {
            return Optional.empty();
        }
        skipPart(); // the rest of the last part, or the preamble before the first boundary
        // after a delimiter: "--" closes the body, otherwise optional padding and CRLF start a part
        if (peek(0) == '-' && peek(1) == '-') {
            finished = true;
            return Optional.empty();
        }
        int padding = 0;
        while (peek(0) == ' ' || peek(0) == '\t') {
            head++;
            if (++padding > 64) {
                throw new Malformed("Malformed multipart boundary line");
            }
        }
        if (peek(0) != '\r' || peek(1) != '\n') {
            throw new Malformed("Malformed multipart boundary line");
        }
        head += 2;
        return Optional.of(headers());
    }

    private Part headers() throws IOException {
        String name = null;
        String filename = null;
        String contentType = null;
        int used = 0;
        while (true) { // bounded by MAX_HEADER_BYTES
            StringBuilder line = new StringBuilder();
            while (true) {
                int b = peek(0);
                if (b == '\r' && peek(1) == '\n') {
                    head += 2;
                    break;
                }
                head++;
                line.append((char) b);
                if (++used > MAX_HEADER_BYTES) {
                    throw new Malformed("The headers of a part are longer than " + MAX_HEADER_BYTES + " bytes");
                }
            }
            if (line.length() == 0) {
                break;
            }
            // header bytes are UTF-8 in practice (browsers send file names that way, RFC 7578 section 5.1.3)
            String text = new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            if (colon <= 0) {
                throw new Malformed("Malformed header in a part");
            }
            String header = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = text.substring(colon + 1).strip();
            if (header.equals("content-disposition")) {
                name = parameter(value, "name");
                filename = parameter(value, "filename");
            } else if (header.equals("content-type")) {
                contentType = value;
            }
        }
        if (name == null) {
            throw new Malformed("A part has no Content-Disposition name");
        }
        return new Part(name, filename, contentType, new PartStream());
    }

    /** The value of one parameter of a Content-Disposition value, quoted or not. */
    static String parameter(String disposition, String wanted) {
        int i = disposition.indexOf(';');
        while (i >= 0 && i < disposition.length()) {
            int start = i + 1;
            int equals = disposition.indexOf('=', start);
            if (equals < 0) {
                return null;
            }
            String key = disposition.substring(start, equals).strip().toLowerCase(Locale.ROOT);
            int pos = equals + 1;
            while (pos < disposition.length() && disposition.charAt(pos) == ' ') {
                pos++;
            }
            String value;
            int end;
            if (pos < disposition.length() && disposition.charAt(pos) == '"') {
                StringBuilder quoted = new StringBuilder();
                end = pos + 1;
                while (end < disposition.length() && disposition.charAt(end) != '"') {
                    char c = disposition.charAt(end);
                    if (c == '\\' && end + 1 < disposition.length()) {
                        c = disposition.charAt(++end);
                    }
                    quoted.append(c);
                    end++;
                }
                value = quoted.toString();
                end = disposition.indexOf(';', end);
            } else {
                end = disposition.indexOf(';', pos);
                value = (end < 0 ? disposition.substring(pos) : disposition.substring(pos, end)).strip();
            }
            if (key.equals(wanted)) {
                return value;
            }
            i = end;
        }
        return null;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    /** Reads and drops the rest of the current part, up to and including its delimiter. */
    private void skipPart() throws IOException {
        while (true) {
            int found = indexOfDelimiter();
            if (found >= 0) {
                head = found + delimiter.length;
                return;
            }
            head = Math.max(head, tail - delimiter.length + 1);
            fill();
        }
    }

    /** The byte at head + offset, reading more when needed; a body that ends here is truncated. */
    private int peek(int offset) throws IOException {
        while (tail - head <= offset) {
            fill();
        }
        return buf[head + offset] & 0xff;
    }

    /** Compacts the buffer and reads at least one more byte; EOFException when the body ended early. */
    private void fill() throws IOException {
        if (head > 0) {
            System.arraycopy(buf, head, buf, 0, tail - head);
            tail -= head;
            head = 0;
        }
        if (tail == buf.length) {
            throw new Malformed("Multipart buffer overflow");
        }
        int read = in.read(buf, tail, buf.length - tail);
        if (read < 0) {
            throw new EOFException("The upload ended before the multipart body was complete");
        }
        tail += read;
    }

    private int indexOfDelimiter() {
        byte first = delimiter[0];
        int lastStart = tail - delimiter.length;
        outer:
        for (int i = head; i <= lastStart; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The current part's content: everything before the next delimiter. */
    private final class PartStream extends InputStream {
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                int found = indexOfDelimiter();
                int available = found >= 0 ? found - head : tail - head - (delimiter.length - 1);
                if (found == head) {
                    ended = true; // the delimiter stays in the buffer: next() consumes it
                    return -1;
                }
                if (available > 0) {
                    int n = Math.min(len, available);
                    System.arraycopy(buf, head, b, off, n);
                    head += n;
                    return n;
                }
                fill();
            }
        }
    }
}
