package io.rpideploy.netboot.dhcp;

import io.rpideploy.netboot.api.ClientKind;
import io.rpideploy.netboot.api.DhcpLease;
import io.rpideploy.netboot.policy.LeaseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test and benchmark {@link LeaseStore}: one append-only text file, one line per change, {@code fsync} once per
 * batch (the application's real store writes SQLite batches). The latest line per MAC wins on load.
 */
public final class FileLeaseStore implements LeaseStore {

    private final Path file;
    private final boolean fsync;
    private FileChannel channel;
    public final AtomicLong saves = new AtomicLong();
    public final AtomicLong leasesSaved = new AtomicLong();
    public final AtomicLong slowestSaveNanos = new AtomicLong();

    public FileLeaseStore(Path file, boolean fsync) {
        this.file = file;
        this.fsync = fsync;
    }

    @Override
    public synchronized List<DhcpLease> load() {
        Map<String, DhcpLease> latest = new LinkedHashMap<>();
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] f = line.split("\\|", -1);
                    if (f.length != 8) {
                        continue; // a torn last line after a crash
                    }
                    latest.put(f[0], new DhcpLease(f[0], (Inet4Address) InetAddress.getByName(f[1]),
                            DhcpLease.State.valueOf(f[2]), Instant.parse(f[3]), Instant.parse(f[4]),
                            ClientKind.valueOf(f[5]), f[6].isEmpty() ? null : f[6], f[7].isEmpty() ? null : f[7]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(latest.values());
    }

    @Override
    public synchronized void save(List<DhcpLease> changes) {
        long start = System.nanoTime();
        StringBuilder s = new StringBuilder();
        for (DhcpLease l : changes) {
            s.append(l.mac()).append('|').append(l.address().getHostAddress()).append('|').append(l.state())
                    .append('|').append(l.expires()).append('|').append(l.updated()).append('|').append(l.kind())
                    .append('|').append(l.piSerial() == null ? "" : l.piSerial()).append('|')
                    .append(l.hostName() == null ? "" : l.hostName().replace('|', '_').replace('\n', '_'))
                    .append('\n');
        }
        try {
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
            }
            ByteBuffer b = ByteBuffer.wrap(s.toString().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                channel.write(b);
            }
            if (fsync) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        slowestSaveNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
        saves.incrementAndGet();
        leasesSaved.addAndGet(changes.size());
    }

    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
