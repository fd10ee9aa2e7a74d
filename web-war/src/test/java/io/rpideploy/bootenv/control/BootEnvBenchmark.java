package io.rpideploy.bootenv.control;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark, not a test: extracts from each image given and prints the time and bytes of every pass, the scratch
 * space really used (st_blocks) and the peak heap. Run with the test class path, e.g.
 * {@code java -Xmx512m -cp ... io.rpideploy.bootenv.control.BootEnvBenchmark /tmp/pi.img /tmp/pi.img.xz}.
 */
public final class BootEnvBenchmark {

    private BootEnvBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            Path image = Path.of(arg);
            Path work = Files.createTempDirectory("bootenv-bench");
            List<String> scratch = new ArrayList<>();
            resetPeaks();
            long t = System.nanoTime();
            ImageBootFiles.Extracted x = ImageBootFiles.extract(image, work.resolve("out"), work.resolve("scratch"),
                    paths -> {
                        for (Path p : paths) {
                            try {
                                scratch.add(PiTestImage.run(work, "stat", "-c", "%n: %s logical, %b*%B on disk",
                                        p.toString()).trim());
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    });
            long millis = (System.nanoTime() - t) / 1_000_000;
            System.out.printf("%s (%d bytes): %d ms in all, release %s, %d boot files, %d module files%n",
                    image.getFileName(), Files.size(image), millis, x.kernelRelease(), x.files().size(),
                    x.modules().size());
            for (ImageBootFiles.Pass p : x.passes()) {
                System.out.printf("  pass %d: %,d bytes of image in %,d ms (%.0f MB/s), kept %,d bytes%n", p.number(),
                        p.bytes(), p.millis(), p.bytes() / 1e3 / Math.max(1, p.millis()), p.keptBytes());
            }
            scratch.forEach(s -> System.out.println("  scratch " + s));
            System.out.printf("  peak heap %.1f MiB, warnings %s%n", peakHeap() / 1048576.0, x.warnings());
            ImageBootFiles.deleteTree(work);
        }
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    /** The sum of the heap pools' peaks: an upper bound of the live heap (garbage included). */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
