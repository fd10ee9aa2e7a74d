package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.JsonDepth;
import io.rpideploy.platform.control.ListenerPolicy;
import io.rpideploy.platform.control.SlowBodies;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * API request bodies are small: each is read here, whole and bounded, before JAX-RS parses it. A body over the
 * limit is a 413 (a 100 MB JSON body must not reach a parser that builds it in memory); a JSON body nested deeper
 * than {@link JsonDepth#MAX} is a 400; a body that trickles in gets a deadline, and one address few such reads at once.
 * Image uploads stream to disk and are exempt; a block map ({@code PUT /api/images/{id}/bmap}, XML that grows with
 * the image's fragmentation) has a limit of its own, the one its check applies (images' BlockMapCheck).
 */
public class BodyLimits extends HttpFilter {

    static final String UPLOAD = "/api/images/upload";
    static final java.util.regex.Pattern BMAP = java.util.regex.Pattern.compile("/api/images/[^/]+/bmap/?");
    static final int BMAP_MAX_BYTES = 16 << 20;

    @Inject
    @ConfigProperty(name = "rpideploy.api.max-body-bytes", defaultValue = "65536")
    int maxBytes;

    @Inject
    @ConfigProperty(name = "rpideploy.api.body-timeout-seconds", defaultValue = "10")
    int bodyTimeoutSeconds;

    @Inject
    SlowBodies slowBodies;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = ListenerPolicy.canonicalPath(request).orElse("");
        String method = request.getMethod();
        if (path.equals(UPLOAD) || method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            chain.doFilter(request, response);
            return;
        }
        // the larger limit only for whom the endpoint accepts it from: anyone else's body is an ordinary one
        boolean bmap = method.equals("PUT") && BMAP.matcher(path).matches()
                && request.isUserInRole(io.rpideploy.platform.entity.Role.OPERATOR_NAME);
        int limit = bmap ? BMAP_MAX_BYTES : maxBytes;
        long length = request.getContentLengthLong();
        if (length > limit) {
            tooLarge(response, bmap);
            return;
        }
        ServletInputStream in = request.getInputStream();
        byte[] body;
        if (length >= 0 && in.available() >= length) {
            body = in.readNBytes((int) length); // all here already (the usual case): no waiting
        } else {
            // a body still on its way holds a request thread while it comes: few per address, for a bounded time
            String address = request.getRemoteAddr();
            if (!slowBodies.enter(address)) {
                response.setHeader("Connection", "close");
                ApiErrors.write(response, 429, "too_many_requests", "Too many unfinished request bodies from "
                        + address);
                return;
            }
            try {
                body = readWithin(in, bodyTimeoutSeconds * 1_000_000_000L, limit);
            } catch (IOException stalled) {
                body = null; // no byte within the listeners' read timeout: the same answer as a missed deadline
            } finally {
                slowBodies.leave(address);
            }
            if (body == null) {
                response.setHeader("Connection", "close");
                ApiErrors.write(response, 408, "request_timeout", "The request body did not arrive within "
                        + bodyTimeoutSeconds + " s");
                return;
            }
            if (body.length > limit) {
                tooLarge(response, bmap);
                return;
            }
        }
        String type = request.getContentType();
        if (type != null && type.toLowerCase().contains("json") && JsonDepth.of(body) > JsonDepth.MAX) {
            ApiErrors.write(response, 400, "malformed_json", "The JSON body is nested deeper than "
                    + JsonDepth.MAX + " levels");
            return;
        }
        chain.doFilter(new Buffered(request, body), response);
    }

    /** The body, up to one byte over the limit; null when it did not end within the deadline. */
    private static byte[] readWithin(ServletInputStream in, long nanos, int maxBytes) throws IOException {
        long deadline = System.nanoTime() + nanos;
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        // each read returns what has arrived; a client sending a byte every few seconds runs into the deadline
        while ((n = in.read(chunk, 0, Math.min(chunk.length, maxBytes + 1 - received.size()))) > 0) {
            received.write(chunk, 0, n);
            if (received.size() > maxBytes) {
                break;
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
        }
        return received.toByteArray();
    }

    private void tooLarge(HttpServletResponse response, boolean bmap) throws IOException {
        response.setHeader("Connection", "close"); // the rest of the body is not read
        ApiErrors.write(response, 413, "payload_too_large", bmap ? "The bmap file is larger than " + BMAP_MAX_BYTES
                + " bytes" : "The request body is larger than " + maxBytes + " bytes (rpideploy.api.max-body-bytes)");
    }

    /** The request with its body already read: JAX-RS reads the copy. */
    private static final class Buffered extends HttpServletRequestWrapper {
        private final byte[] body;

        Buffered(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body is already read");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body),
                    encoding == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(encoding)));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
