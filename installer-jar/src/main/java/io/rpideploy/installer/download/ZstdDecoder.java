package io.rpideploy.installer.download;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A .zst decoder that decodes from {@link PrefetchStream}'s direct chunks straight into the caller's direct
 * buffer ({@link #read(ByteBuffer)}: the image writer's 4 MiB write buffer), with no heap array and no copy in
 * between - ZstdInputStream would decode into a byte[] that then has to be copied into the write buffer, on the
 * thread that is the bottleneck. Concatenated frames are decoded one after the other; a stream that ends inside a
 * frame is an error (as ZstdInputStream with continuous=false).
 */
public final class ZstdDecoder extends InputStream implements ReadableByteChannel {

    private static final ByteBuffer NO_INPUT = ByteBuffer.allocateDirect(0);

    private final PrefetchStream source;
    private final ZstdDecompressCtx ctx = new ZstdDecompressCtx();
    private ByteBuffer in;
    private ByteBuffer scratch;
    private boolean sourceEnded;
    private boolean inFrame;
    private boolean finished;
    private boolean closed;

    public ZstdDecoder(PrefetchStream source) {
        this.source = source;
    }

    /** Decodes into {@code dst} until it is full or the stream ends; -1 at the end. */
    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        if (closed) {
            throw new IOException("zstd decoder closed");
        }
        if (!dst.isDirect()) {
            return readViaScratch(dst);
        }
        if (finished) {
            return -1;
        }
        int start = dst.position();
        while (dst.hasRemaining()) {
            if (in == null || !in.hasRemaining()) {
                if (in != null) {
                    source.give(in);
                    in = null;
                }
                if (!sourceEnded) {
                    in = source.take();
                    sourceEnded = in == null;
                }
            }
            ByteBuffer src = in != null ? in : NO_INPUT;
            int srcBefore = src.position();
            int dstBefore = dst.position();
            boolean frameDone;
            try {
                frameDone = ctx.decompressDirectByteBufferStream(dst, src);
            } catch (ZstdException e) {
                throw new IOException("zstd: " + e.getMessage(), e);
            }
            boolean progress = src.position() != srcBefore || dst.position() != dstBefore;
            if (frameDone) {
                inFrame = false;
            } else if (progress) {
                inFrame = true;
            }
            if (!progress) {
                if (sourceEnded) {
                    if (inFrame) {
                        throw new IOException("zstd: truncated source (the stream ends inside a frame)");
                    }
                    finished = true;
                    break;
                }
                if (src.hasRemaining()) {
                    throw new IOException("zstd: the decoder made no progress");
                }
            }
        }
        int n = dst.position() - start;
        return n == 0 && finished ? -1 : n;
    }

    private synchronized int readViaScratch(ByteBuffer dst) throws IOException {
        if (scratch == null) {
            scratch = ByteBuffer.allocateDirect(1 << 17);
        }
        scratch.clear().limit(Math.min(scratch.capacity(), dst.remaining()));
        int n = read(scratch);
        if (n > 0) {
            dst.put(scratch.flip());
        }
        return n;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        return readViaScratch(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    /** Decodes and drops (InputStream's own skip would decode 2 KiB at a time). */
    @Override
    public synchronized long skip(long n) throws IOException {
        if (scratch == null) {
            scratch = ByteBuffer.allocateDirect(1 << 17);
        }
        long left = n;
        while (left > 0) {
            scratch.clear().limit((int) Math.min(scratch.capacity(), left));
            int r = read(scratch);
            if (r < 0) {
                break;
            }
            left -= r;
        }
        return n - left;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // first the source: a read blocked waiting for input then ends, and the lock below is free
            source.close();
        } finally {
            synchronized (this) {
                ctx.close();
            }
        }
    }
}
