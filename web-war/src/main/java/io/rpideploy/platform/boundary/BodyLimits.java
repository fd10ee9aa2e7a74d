package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.JsonDepth;
import io.rpideploy.platform.control.ListenerPolicy;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * API request bodies are small: each is read here, whole and bounded, before JAX-RS parses it. A body over the
 * limit is a 413 (a 100 MB JSON body must not reach a parser that builds it in memory); a JSON body nested deeper
 * than {@link JsonDepth#MAX} is a 400. Image uploads stream to disk and are exempt.
 */
@WebFilter(urlPatterns = "/api/*", asyncSupported = true)
public class BodyLimits extends HttpFilter {

    static final String UPLOAD = "/api/images/upload";

    @Inject
    @ConfigProperty(name = "rpideploy.api.max-body-bytes", defaultValue = "65536")
    int maxBytes;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = ListenerPolicy.canonicalPath(request).orElse("");
        String method = request.getMethod();
        if (path.equals(UPLOAD) || method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            chain.doFilter(request, response);
            return;
        }
        if (request.getContentLengthLong() > maxBytes) {
            tooLarge(response);
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(maxBytes + 1);
        }
        if (body.length > maxBytes) {
            tooLarge(response);
            return;
        }
        String type = request.getContentType();
        if (type != null && type.toLowerCase().contains("json") && JsonDepth.of(body) > JsonDepth.MAX) {
            ApiErrors.write(response, 400, "malformed_json", "The JSON body is nested deeper than "
                    + JsonDepth.MAX + " levels");
            return;
        }
        chain.doFilter(new Buffered(request, body), response);
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close"); // the rest of the body is not read
        ApiErrors.write(response, 413, "payload_too_large", "The request body is larger than " + maxBytes
                + " bytes (rpideploy.api.max-body-bytes)");
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
