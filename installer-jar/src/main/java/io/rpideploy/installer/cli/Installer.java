package io.rpideploy.installer.cli;

import io.rpideploy.installer.config.BoardIdentity;
import io.rpideploy.installer.config.ConfigClient;
import io.rpideploy.installer.config.DeploymentConfig;
import io.rpideploy.installer.http.Json;
import io.rpideploy.installer.customize.Customizer;
import io.rpideploy.installer.customize.PartitionTable;
import io.rpideploy.installer.download.BlockMap;
import io.rpideploy.installer.download.Decoders;
import io.rpideploy.installer.download.ImageStream;
import io.rpideploy.installer.download.Sha256Warmup;
import io.rpideploy.installer.report.Banner;
import io.rpideploy.installer.report.ExitCode;
import io.rpideploy.installer.report.InstallException;
import io.rpideploy.installer.report.ProgressConsole;
import io.rpideploy.installer.report.StatusReporter;
import io.rpideploy.installer.report.StatusReporter.Progress;
import io.rpideploy.installer.report.StatusReporter.Status;
import io.rpideploy.installer.verify.Verifier;
import io.rpideploy.installer.write.ImageWriter;
import io.rpideploy.installer.write.TargetDevice;
import io.rpideploy.installer.write.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One installation: starting → config → downloading (write) → verifying → customizing → partition table →
 * success, each failure ending in a {@code failed} status and its {@link ExitCode}, never a reboot.
 *
 * <p>Order on the card: first MiB zeroed; image written from 1 MiB on; fsync; read-back verify (the held-back
 * first MiB compared from memory); partitions customized through byte offsets taken from the held-back MBR;
 * fsync; the first MiB written last and read back. A card interrupted anywhere before the end has no partition
 * table, so it never boots half-written or un-customized. (If a partition started inside the first MiB, the
 * table is written before customizing instead.)
 */
public final class Installer {

    private final Options o;
    private final ProgressConsole console;
    private final PrintStream out;

    public Installer(Options options, PrintStream out) {
        this.o = options;
        this.out = out;
        this.console = new ProgressConsole(out);
    }

    public ExitCode run() {
        Thread hook = new Thread(Customizer::cleanup, "installer-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        long started = System.nanoTime();
        if (!o.dryRun()) {
            Sha256Warmup.start();
        }
        BoardIdentity board = BoardIdentity.read(o.cpuinfo(), o.serialFile(), o.netDir());
        StatusReporter reporter = new StatusReporter(o.dryRun() ? null : o.server(), board.serial(), board.mac(),
                console::println);
        ExitCode result;
        try {
            console.println("rpi-deploy installer: board serial " + board.serial() + ", MAC " + board.mac()
                    + ", server " + o.server());
            reporter.send(Status.STARTING, "installer started (product " + o.product()
                    + (o.venue() != null ? ", venue " + o.venue() : "") + ")");
            install(board, reporter);
            result = ExitCode.OK;
        } catch (InstallException e) {
            console.println("FAILED (exit " + e.exitCode().code() + ", " + e.exitCode().meaning() + "): "
                    + e.getMessage());
            reporter.send(Status.FAILED, e.exitCode().meaning(), e.getMessage(), null);
            result = e.exitCode();
        } catch (RuntimeException e) {
            console.println("FAILED (internal error): " + e);
            e.printStackTrace(out);
            reporter.send(Status.FAILED, ExitCode.INTERNAL.meaning(), e.toString(), null);
            result = ExitCode.INTERNAL;
        } finally {
            reporter.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            Customizer.cleanup();
        }
        if (o.stats()) {
            printStats(started);
        }
        if (result == ExitCode.OK && o.reboot() && !o.dryRun()) {
            reboot();
        }
        return result;
    }

    private void install(BoardIdentity board, StatusReporter reporter) throws InstallException {
        TargetDevice.SystemFiles sys = new TargetDevice.SystemFiles(o.devDir(), o.procMounts(), o.procSwaps(),
                o.sysBlock());
        TargetDevice target = TargetDevice.inspect(TargetDevice.choose(o.device(), o.prefer(), sys), sys);
        console.println("target: " + target);

        DeploymentConfig config = new ConfigClient(o.server(), o.configWaitMillis(), console::println)
                .fetch(o.product(), o.venue(), board);
        reporter.assigned(config.hostname(), config.deploymentId(), config.reportToken());
        console.println("assigned hostname " + config.hostname() + ", image " + config.imageUrl() + " ("
                + config.imageSize() + " bytes" + (config.version() != null ? ", version " + config.version() : "")
                + ")");

        Decoders.Format format = Decoders.formatOf(config.imageUrl());
        BlockMap bmap = blockMap(config, board, format);
        Long needed = config.imageUncompressedSize();
        if (needed == null && format == Decoders.Format.RAW) {
            needed = config.imageSize();
        }
        if (needed == null && bmap != null) {
            needed = bmap.imageSize();
        }
        if (needed != null) {
            target.checkSize(needed);
        }
        if (o.dryRun()) {
            dryRun(config, board, target, bmap, needed);
            return;
        }

        // download + write
        reporter.send(Status.DOWNLOADING, "downloading " + config.imageUrl() + " to " + target.path()
                + (bmap != null ? " (bmap: " + bmap.mappedBytes() + " mapped bytes)" : ""));
        // a raw image without bmap: the writer's hasher stage takes the SHA-256 of exactly the served bytes
        boolean hashInWriter = format == Decoders.Format.RAW && bmap == null;
        ImageStream served = new ImageStream(config.imageUrl(), board.serial(), o.resumeMillis(), o.queueMillis(),
                !hashInWriter, event -> {
                    console.println(event);
                    reporter.send(Status.DOWNLOADING, event);
                });
        Long rawTotal = needed;
        long[] last = {System.nanoTime(), -1};
        long writeStart = System.nanoTime();
        WriteResult written;
        try {
            InputStream image = Decoders.open(format, served);
            // the decoded image's own SHA-256 is only needed as the full verify's reference when the server
            // gives none (a raw image's served checksum is the same thing)
            boolean hashImage = hashInWriter || (bmap == null && o.verify() == Verifier.Mode.FULL
                    && config.imageUncompressedChecksum() == null);
            ImageWriter writer = new ImageWriter(target, o.buffers(), o.syncEveryBytes(), hashImage,
                    bmap == null && o.verify() == Verifier.Mode.SAMPLE);
            ImageWriter.Skipper skipper = format == Decoders.Format.RAW ? (in, n) -> served.skip(n)
                    : (in, n) -> in.skipNBytes(n);
            written = writer.write(image, bmap, skipper, (imageOffset, bytesWritten) -> {
                long now = System.nanoTime();
                double seconds = Math.max(1e-9, (now - writeStart) / 1e9);
                long got = served.position();
                console.progress("download", got, config.imageSize(), got / seconds, false);
                int percent = (int) Math.min(99, got * 100 / config.imageSize());
                if (now - last[0] >= 2_000_000_000L || percent > last[1]) {
                    last[0] = now;
                    last[1] = percent;
                    reporter.send(Status.DOWNLOADING, "writing " + target.path(), null,
                            new Progress(percent, bytesWritten, rawTotal, (long) (bytesWritten / seconds)));
                }
            });
        } catch (IOException e) {
            throw new InstallException(ExitCode.DOWNLOAD_FAILED, "opening the image failed: " + e.getMessage(), e);
        }
        double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
        console.progress("download", served.position(), config.imageSize(), served.position() / writeSeconds, true);
        console.println(String.format(Locale.ROOT, "wrote %,d bytes of a %,d-byte image in %.1f s (%.1f MB/s)%s",
                written.bytesWritten(), written.imageSize(), writeSeconds, written.bytesWritten() / writeSeconds / 1e6,
                served.reconnects() > 0 ? ", " + served.reconnects() + " reconnects" : ""));
        checkChecksums(config, served, hashInWriter ? written.imageSha256() : served.sha256Hex(), written);

        // verify
        reporter.send(Status.VERIFYING, "verifying (" + o.verify().name().toLowerCase(Locale.ROOT) + ")");
        long verifyStart = System.nanoTime();
        long[] lastVerify = {0, -1};
        Verifier verifier = new Verifier(target, (done, total) -> {
            long now = System.nanoTime();
            double seconds = Math.max(1e-9, (now - verifyStart) / 1e9);
            console.progress("verify", done, total, done / seconds, false);
            int percent = total == 0 ? 100 : (int) (done * 100 / total);
            if (now - lastVerify[0] >= 2_000_000_000L || percent > lastVerify[1]) {
                lastVerify[0] = now;
                lastVerify[1] = percent;
                reporter.send(Status.VERIFYING, "reading back", null,
                        new Progress(percent, done, total, (long) (done / seconds)));
            }
        });
        String expected = config.imageUncompressedChecksum();
        if (expected == null) {
            expected = format == Decoders.Format.RAW ? config.imageChecksum() : written.imageSha256();
        }
        console.println(verifier.verify(o.verify(), written, bmap, expected));

        // customize, then the partition table last
        boolean tableWritten = false;
        if (o.customizeEnabled()) {
            reporter.send(Status.CUSTOMIZING, "setting hostname " + config.hostname());
            PartitionTable table;
            try {
                table = PartitionTable.parse(written.heldBack());
            } catch (IllegalArgumentException e) {
                throw new InstallException(ExitCode.CUSTOMIZE_FAILED, e.getMessage());
            }
            if (table.firstStart() < ImageWriter.HOLD) {
                console.println("a partition starts inside the first MiB: writing the partition table before "
                        + "customizing");
                writeTable(target, written);
                tableWritten = true;
            }
            Customizer.FirstBoot kind = new Customizer(target.path(), o.customize(), console::println)
                    .apply(table, config.hostname(), deploymentJson(config, board));
            console.println("hostname " + config.hostname() + " written to /etc/hostname and /etc/hosts; first boot: "
                    + kind.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        if (!tableWritten) {
            writeTable(target, written);
        }
        reporter.send(Status.SUCCESS, "installed " + (config.version() != null ? "version " + config.version() + " "
                : "") + "as " + config.hostname(), null, new Progress(100, written.bytesWritten(),
                Math.max(written.bytesWritten(), rawTotal == null ? 0 : rawTotal),
                (long) (written.bytesWritten() / writeSeconds)));
        console.println("");
        console.println(Banner.render(config.hostname()));
        console.println("Installation complete: this board is " + config.hostname()
                + (o.reboot() ? ". Rebooting." : " (no reboot)."));
    }

    private BlockMap blockMap(DeploymentConfig config, BoardIdentity board, Decoders.Format format)
            throws InstallException {
        byte[] xml;
        try {
            xml = ImageStream.fetchOptional(config.imageUrl() + ".bmap", board.serial(), 64 << 20);
        } catch (IOException e) {
            console.println("no bmap (" + e.getMessage() + "): writing the whole image");
            return null;
        }
        if (xml == null) {
            return null;
        }
        BlockMap bmap;
        try {
            bmap = BlockMap.parse(xml);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().contains("checksum mismatch")) {
                throw new InstallException(ExitCode.CHECKSUM_MISMATCH, e.getMessage());
            }
            console.println("ignoring unusable bmap: " + e.getMessage());
            return null;
        }
        Long raw = config.imageUncompressedSize();
        if (raw == null && format == Decoders.Format.RAW) {
            raw = config.imageSize();
        }
        if (raw != null && raw != bmap.imageSize()) {
            console.println("ignoring bmap: its ImageSize " + bmap.imageSize() + " differs from the image's " + raw);
            return null;
        }
        console.println(String.format(Locale.ROOT, "bmap: %d ranges, %,d of %,d bytes mapped", bmap.ranges().size(),
                bmap.mappedBytes(), bmap.imageSize()));
        return bmap;
    }

    private void checkChecksums(DeploymentConfig config, ImageStream served, String servedSha, WriteResult written)
            throws InstallException {
        if (servedSha != null) {
            if (served.position() != config.imageSize()) {
                throw new InstallException(ExitCode.CHECKSUM_MISMATCH, "received " + served.position()
                        + " bytes, the server announced image_size " + config.imageSize());
            }
            if (!servedSha.equals(config.imageChecksum())) {
                throw new InstallException(ExitCode.CHECKSUM_MISMATCH, "downloaded image SHA-256 " + servedSha
                        + " does not match image_checksum " + config.imageChecksum());
            }
            console.println("download checksum OK (SHA-256 " + servedSha + ")");
        } else {
            console.println("unmapped regions were skipped with Range requests: the served file's checksum cannot "
                    + "be computed; each of the " + written.rangesChecked() + " bmap ranges was checked instead");
        }
        if (config.imageUncompressedSize() != null
                && written.imageSize() != config.imageUncompressedSize()) {
            throw new InstallException(ExitCode.CHECKSUM_MISMATCH, "decoded image is " + written.imageSize()
                    + " bytes, image_uncompressed_size says " + config.imageUncompressedSize());
        }
    }

    /** Writes the held-back first MiB and reads it back. */
    private void writeTable(TargetDevice target, WriteResult written) throws InstallException {
        ImageWriter.writeHeldBack(target, written.heldBack());
        if (o.verify() == Verifier.Mode.NONE) {
            return;
        }
        try (FileChannel ch = FileChannel.open(target.path(), StandardOpenOption.READ)) {
            ByteBuffer back = ByteBuffer.allocate(written.heldBack().length);
            while (back.hasRemaining() && ch.read(back, back.position()) > 0) {
                // keep reading
            }
            if (!Arrays.equals(back.array(), written.heldBack())) {
                throw new InstallException(ExitCode.VERIFY_FAILED, "the partition table read back differs");
            }
        } catch (IOException e) {
            throw new InstallException(ExitCode.VERIFY_FAILED, "reading back the partition table failed: " + e, e);
        }
    }

    private String deploymentJson(DeploymentConfig c, BoardIdentity board) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hostname", c.hostname());
        m.put("product", c.productType() != null ? c.productType() : o.product());
        m.put("venue", c.venueCode() != null ? c.venueCode() : o.venue());
        m.put("server", o.server());
        m.put("image", c.imageUrl());
        m.put("image_checksum", c.imageChecksum());
        m.put("image_uncompressed_checksum", c.imageUncompressedChecksum());
        m.put("version", c.version());
        m.put("deployment_id", c.deploymentId());
        m.put("serial", board.serial());
        m.put("mac_address", board.mac());
        m.put("installed_at", Instant.now().toString());
        return Json.write(m) + "\n";
    }

    private void dryRun(DeploymentConfig config, BoardIdentity board, TargetDevice target, BlockMap bmap,
                        Long needed) throws InstallException {
        try {
            long[] head = ImageStream.head(config.imageUrl(), board.serial());
            console.println("dry run: HEAD " + config.imageUrl() + " -> HTTP " + head[0] + ", " + head[1] + " bytes");
            if (head[0] >= 400 && head[0] != 503) {
                throw new InstallException(ExitCode.DOWNLOAD_FAILED, "image not available: HTTP " + head[0]);
            }
        } catch (IOException e) {
            throw new InstallException(ExitCode.DOWNLOAD_FAILED, "image not reachable: " + e.getMessage(), e);
        }
        console.println("dry run: would write " + (needed != null ? needed + " bytes" : "an image of unknown size")
                + (bmap != null ? " (bmap)" : "") + " to " + target + " as " + config.hostname()
                + "; nothing written");
    }

    private void printStats(long started) {
        long heapPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                heapPeak += pool.getPeakUsage().getUsed();
            }
        }
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getTotalCapacity();
            }
        }
        out.printf(Locale.ROOT, "STATS elapsed_ms=%d peak_heap_bytes=%d direct_bytes=%d max_heap_bytes=%d%n",
                (System.nanoTime() - started) / 1_000_000, heapPeak, direct, Runtime.getRuntime().maxMemory());
    }

    private void reboot() {
        for (String[] cmd : new String[][] {{"systemctl", "reboot"}, {"reboot"}}) {
            try {
                Process p = new ProcessBuilder(cmd).inheritIO().start();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return;
                }
            } catch (IOException e) {
                // try the next way
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        console.println("reboot failed: please power-cycle the board");
    }
}
