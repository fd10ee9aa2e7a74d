package io.rpideploy.installer;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A loop device over a file, created by a test with losetup -f --show -P and always detached. */
public final class LoopDevice implements AutoCloseable {

    private static final Set<String> ATTACHED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ATTACHED.forEach(LoopDevice::detach)));
    }

    private final String device;

    private LoopDevice(String device) {
        this.device = device;
    }

    public static LoopDevice attach(Path file) {
        String dev = Sh.run("losetup", "-f", "--show", "-P", file.toString()).trim();
        if (!dev.startsWith("/dev/loop")) {
            throw new IllegalStateException("losetup gave " + dev);
        }
        ATTACHED.add(dev);
        return new LoopDevice(dev);
    }

    public Path path() {
        return Path.of(device);
    }

    public String name() {
        return device.substring("/dev/".length());
    }

    @Override
    public void close() {
        detach(device);
    }

    private static void detach(String dev) {
        if (ATTACHED.remove(dev)) {
            try {
                Sh.run("losetup", "-d", dev);
            } catch (RuntimeException e) {
                System.err.println("could not detach " + dev + ": " + e.getMessage());
            }
        }
    }
}
