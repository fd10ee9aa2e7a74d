package io.rpideploy.installer.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PrefetchStreamTest {

    @Test
    void readsTheSourceExactlyOnItsOwnThread() throws IOException {
        byte[] data = new byte[1_000_003];
        new Random(9).nextBytes(data);
        AtomicReference<Thread> reader = new AtomicReference<>();
        InputStream source = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                reader.set(Thread.currentThread());
                // short reads, like a socket
                return super.read(b, off, Math.min(len, 1000));
            }
        };
        try (PrefetchStream p = new PrefetchStream(source, 4096, 3)) {
            assertArrayEquals(data, p.readAllBytes());
            assertEquals(-1, p.read());
        }
        assertNotEquals(Thread.currentThread(), reader.get());
        assertEquals("image-download", reader.get().getName());
    }

    @Test
    void aFailingSourceFailsTheReaderAfterTheBytesBeforeIt() throws IOException {
        InputStream source = new InputStream() {
            int left = 10_000;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    throw new IOException("connection reset");
                }
                int n = Math.min(len, left);
                left -= n;
                return n;
            }
        };
        try (PrefetchStream p = new PrefetchStream(source, 4096, 2)) {
            assertEquals(8192, p.readNBytes(8192).length);
            IOException e = assertThrows(IOException.class, () -> p.readNBytes(5000));
            assertEquals("connection reset", e.getMessage());
        }
    }

    @Test
    void closeStopsTheReaderAndClosesTheSource() throws Exception {
        boolean[] closed = {false};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        PrefetchStream p = new PrefetchStream(endless, 4096, 2);
        assertEquals(100, p.readNBytes(100).length);
        p.close();
        assertTrue(closed[0]);
        assertThrows(IOException.class, () -> p.readNBytes(100_000));
    }
}
