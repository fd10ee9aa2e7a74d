package io.rpideploy.installer.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a (served, compressed) stream ahead on a thread of its own into a few direct chunks. Whatever the source
 * does inside {@code read} - the socket read, {@link ImageStream}'s SHA-256 of the served bytes, a resume - then
 * runs beside the decoder instead of on its thread, which is the bottleneck for .zst/.gz/.xz. A decoder that
 * takes direct input ({@link ZstdDecoder}) borrows the chunks with {@link #take}/{@link #give}; others read it as an
 * InputStream. Memory: {@code chunks} x {@code chunkSize} off-heap. Single consumer.
 */
public final class PrefetchStream extends InputStream {

    private static final ByteBuffer EOF = ByteBuffer.allocate(0);

    private final InputStream source;
    private final BlockingQueue<ByteBuffer> free;
    private final BlockingQueue<ByteBuffer> full;
    private final Thread thread;
    private volatile Throwable failure;
    private volatile boolean closed;
    private boolean started;
    private boolean ended;
    private ByteBuffer current;

    public PrefetchStream(InputStream source, int chunkSize, int chunks) {
        this.source = source;
        this.free = new ArrayBlockingQueue<>(chunks);
        this.full = new ArrayBlockingQueue<>(chunks + 1);
        for (int i = 0; i < chunks; i++) {
            free.add(ByteBuffer.allocateDirect(chunkSize));
        }
        this.thread = new Thread(this::run, "image-download");
        thread.setDaemon(true);
    }

    private void run() {
        byte[] scratch = source instanceof ReadableByteChannel ? null : new byte[1 << 17];
        try {
            while (!closed) {
                ByteBuffer chunk = free.take().clear();
                // fill the chunk completely (fewer hand-overs), except at the end of the stream
                boolean end = false;
                while (chunk.hasRemaining()) {
                    int n;
                    if (scratch == null) {
                        n = ((ReadableByteChannel) source).read(chunk);
                    } else {
                        n = source.read(scratch, 0, Math.min(scratch.length, chunk.remaining()));
                        if (n > 0) {
                            chunk.put(scratch, 0, n);
                        }
                    }
                    if (n < 0) {
                        end = true;
                        break;
                    }
                }
                if (chunk.position() > 0) {
                    full.put(chunk.flip());
                } else {
                    free.add(chunk);
                }
                if (end) {
                    full.put(EOF);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            full.offer(EOF);
        }
    }

    /** The next chunk of the stream (to be handed back with {@link #give}), or null at its end. */
    public ByteBuffer take() throws IOException {
        if (closed) {
            throw new IOException("image stream closed");
        }
        if (ended) {
            return null;
        }
        if (!started) {
            started = true;
            thread.start();
        }
        ByteBuffer chunk;
        try {
            chunk = full.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the image");
        }
        if (chunk == EOF) {
            ended = true;
            if (closed) {
                throw new IOException("image stream closed");
            }
            Throwable t = failure;
            if (t instanceof IOException io) {
                throw io;
            }
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t != null) {
                throw new IOException("reading the image failed: " + t, t);
            }
            return null;
        }
        return chunk;
    }

    /** Hands a chunk from {@link #take} back for refilling. */
    public void give(ByteBuffer chunk) {
        free.add(chunk);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || !current.hasRemaining()) {
            if (current != null) {
                give(current);
                current = null;
            }
            current = take();
            if (current == null) {
                return -1;
            }
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        // stop the reader before closing its source, so that closing is not taken for an outage to resume from
        if (started) {
            thread.interrupt();
            join(1000);
        }
        source.close();
        if (started) {
            join(5000);
        }
        // wake a consumer still waiting for a chunk
        full.offer(EOF);
    }

    private void join(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
