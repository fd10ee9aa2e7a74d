package io.rpideploy.bootenv.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.images.control.ImageRegistry;
import io.rpideploy.images.control.ImageStore;
import io.rpideploy.images.entity.MasterImage;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's boot environments from a Raspberry-Pi-OS-shaped image: built complete, swapped in as a new version
 * (the one before kept for transfers under way), a bad image or manifest reported as a problem, leftovers of a
 * crashed build removed at start.
 */
class BootEnvironmentsTest {

    @TempDir
    Path home;

    private PiTestImage.Built built;
    private MasterImage active;
    private BootEnvironments environments;
    private final byte[] base = {0x1f, (byte) 0x8b, 1, 2, 3, 4};

    @BeforeEach
    void server() throws Exception {
        built = PiTestImage.build(home.resolve("work"), PiTestImage.Options.standard());
        Path images = Files.createDirectories(home.resolve("images"));
        Files.copy(built.image(), images.resolve("pi.img"));
        active = image("pi.img", 7);
        Path installer = Files.createDirectories(home.resolve("installer-env"));
        Files.write(installer.resolve(BootEnvironments.BASE_INITRAMFS), base);
        Files.write(installer.resolve(BootEnvironments.RUNTIME), new byte[] {9, 9});
        Files.write(installer.resolve(BootEnvironments.INSTALLER_JAR), new byte[] {8});
        Files.writeString(installer.resolve(BootEnvironments.PROPERTIES), "build_time=2026-12-06T05:00:00Z\n");
        environments = environments(images);
    }

    @Test
    void aTreeIsBuiltCompleteFromTheActiveImage() throws Exception {
        BootEnvironment env = environments.rebuild(Product.KXP2);
        assertTrue(env.complete(), env.problems().toString());
        assertEquals("kernel_2712.img", env.kernel());
        assertEquals(PiTestImage.RELEASE, env.kernelRelease());
        assertTrue(env.modules() > 0);
        assertEquals("2026-12-06T05:00:00Z", env.installerBuild());
        assertArrayEquals(Files.readAllBytes(built.boot().resolve("kernel_2712.img")),
                Files.readAllBytes(environments.file(Product.KXP2, "kernel_2712.img").orElseThrow()));
        byte[] initramfs = Files.readAllBytes(environments.file(Product.KXP2, BootEnvironments.INITRAMFS).orElseThrow());
        assertArrayEquals(base, Arrays.copyOf(initramfs, base.length), "the installer environment's archive first");
        assertTrue(initramfs.length > base.length, "then the modules' archive");
        assertTrue(environments.file(Product.KXP2, "../installer-env/installer.jar").isEmpty());
        assertTrue(environments.file(Product.KXP2, "boot-environment.properties").isPresent());
    }

    @Test
    void aRebuildIsANewVersionAndTheOneBeforeStaysForTransfersUnderWay() throws Exception {
        environments.rebuild(Product.KXP2);
        Path first = environments.file(Product.KXP2, "kernel_2712.img").orElseThrow();
        Thread.sleep(5);
        environments.rebuild(Product.KXP2);
        Path second = environments.file(Product.KXP2, "kernel_2712.img").orElseThrow();
        assertFalse(first.equals(second), "a new version");
        assertTrue(Files.exists(first), "the previous version is kept");
        Thread.sleep(5);
        environments.rebuild(Product.KXP2);
        assertFalse(Files.exists(first), "the one before the previous is removed");
        assertTrue(Files.exists(second));
        assertEquals(2, versions().size(), versions().toString());
    }

    @Test
    void aBadImageIsAProblemAndTheTreeBeforeItIsStillServed() throws Exception {
        environments.rebuild(Product.KXP2);
        Path kernel = environments.file(Product.KXP2, "kernel_2712.img").orElseThrow();
        Path images = home.resolve("images");
        Files.write(images.resolve("broken.img"), Arrays.copyOf(Files.readAllBytes(built.image()), 6 << 20));
        active = image("broken.img", 8);
        BootEnvironment env = environments.rebuild(Product.KXP2);
        assertFalse(env.complete());
        assertTrue(env.problems().get(0).startsWith("image broken.img: "), env.problems().toString());
        assertEquals(kernel, environments.file(Product.KXP2, "kernel_2712.img").orElseThrow(), "still served");
        assertEquals(1, versions().size(), "the failed build left nothing: " + versions());
    }

    @Test
    void anUnreadableManifestIsAProblemNotAnError() throws Exception {
        environments.rebuild(Product.KXP2);
        Path manifest = environments.file(Product.KXP2, "boot-environment.properties").orElseThrow();
        Files.writeString(manifest, "image.id=seven\nbuilt.at=yesterday\n");
        BootEnvironment env = environments.read(Product.KXP2);
        assertFalse(env.complete());
        assertTrue(env.problems().stream().anyMatch(p -> p.startsWith("manifest unreadable")), env.problems().toString());
    }

    @Test
    void leftoversOfACrashedBuildAreRemovedAtStart() throws Exception {
        environments.rebuild(Product.KXP2);
        Path root = home.resolve("boot-env");
        Files.createDirectories(root.resolve(".scratch-KXP2"));
        Files.createDirectories(root.resolve("..KXP2-8-1.part-123"));
        Files.createDirectories(root.resolve(".link-RXP2"));
        environments.start(new Object());
        try (Stream<Path> left = Files.list(root)) {
            List<String> names = left.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, names.size(), names.toString());
            assertTrue(names.contains("KXP2"));
        }
        assertTrue(environments.get(Product.KXP2).complete(), "the current tree is kept");
    }

    private List<Path> versions() throws IOException {
        try (Stream<Path> all = Files.list(home.resolve("boot-env"))) {
            return all.filter(p -> p.getFileName().toString().startsWith(".KXP2-")).toList();
        }
    }

    private MasterImage image(String filename, long id) throws Exception {
        MasterImage image = new MasterImage(filename, Product.KXP2, "2026.12", Instant.now());
        Field field = MasterImage.class.getDeclaredField("id");
        field.setAccessible(true);
        field.set(image, id);
        return image;
    }

    private BootEnvironments environments(Path images) {
        BootEnvironments e = new BootEnvironments();
        e.home = home.toString();
        e.dirSetting = Optional.empty();
        e.installerSetting = Optional.empty();
        e.installerSource = Optional.empty();
        e.installerBuild = "never";
        e.clock = Clock.systemUTC();
        e.registry = new ImageRegistry() {
            @Override
            public Optional<MasterImage> active(Product product) {
                return product == Product.KXP2 ? Optional.of(active) : Optional.empty();
            }
        };
        e.store = new ImageStore() {
            @Override
            public Path images() {
                return images;
            }

            @Override
            public Path boot() {
                return home.resolve("boot");
            }
        };
        e.audit = new AuditLog() {
            @Override
            public void record(String action, String target, String details) {
                // not stored in a unit test
            }
        };
        e.executor = (ManagedExecutorService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ManagedExecutorService.class}, (proxy, method, args) -> {
                    if (method.getName().equals("execute")) {
                        ((Runnable) args[0]).run(); // in line: the test sees the build's outcome at once
                    }
                    return null;
                });
        e.resolve();
        try {
            Files.createDirectories(home.resolve("boot-env"));
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return e;
    }
}
