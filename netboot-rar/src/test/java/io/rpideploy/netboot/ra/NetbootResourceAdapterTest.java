package io.rpideploy.netboot.ra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.netboot.api.NetbootStatus;
import io.rpideploy.netboot.api.TftpListener;
import io.rpideploy.netboot.api.BootFile;
import io.rpideploy.netboot.api.BootRequest;
import io.rpideploy.netboot.api.TftpTransferReport;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkManager;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter with a fake container around it (WorkManager, endpoint factory, no application server): the
 * TFTP server comes up on a free port, reports a port in use as {@code down} without failing the activation,
 * retries, serves the application's answer, reports transfers back, and lets go of its socket on deactivation.
 */
class NetbootResourceAdapterTest {

    @TempDir
    Path bootRoot;

    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<TftpTransferReport> reports = new CopyOnWriteArrayList<>();
    private final AtomicInteger endpointsCreated = new AtomicInteger();
    private final AtomicInteger endpointsReleased = new AtomicInteger();
    /** The process's settings, as the adapter would read them from the environment. */
    private final Map<String, String> settings = new java.util.concurrent.ConcurrentHashMap<>();
    private final NetbootResourceAdapter adapter = new NetbootResourceAdapter(
            name -> java.util.Optional.ofNullable(settings.get(name)));

    @AfterEach
    void stop() throws Exception {
        adapter.stop();
        for (Thread t : threads) {
            t.join(5_000);
            assertFalse(t.isAlive(), "every work ends when the adapter stops: " + t);
        }
    }

    @Test
    void aPortInUseIsReportedDownThenTheServerComesUpAndServesTheApplicationsBytes() throws Exception {
        adapter.start(context());
        DatagramSocket blocker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = blocker.getLocalPort();
        settings.putAll(Map.of("rpideploy.netboot.tftp-address", "127.0.0.1", "rpideploy.netboot.tftp-port",
                String.valueOf(port), "rpideploy.netboot.boot-root", bootRoot.toString(),
                "rpideploy.netboot.retry-interval", "200ms"));
        MessageEndpointFactory factory = factory();
        TftpActivationSpec spec = new TftpActivationSpec();
        spec.setTftpPort("69"); // the process's setting wins
        adapter.endpointActivation(factory, spec); // must not throw although the port is taken

        await(() -> state("down"), "down while the port is in use");
        String reason = NetbootStatus.engines().get("tftp").detail();
        assertTrue(reason.contains(String.valueOf(port)), reason);

        blocker.close();
        await(() -> state("up"), "up once the port is free");
        assertEquals("127.0.0.1", NetbootStatus.serverAddress().orElseThrow().getHostAddress(),
                "the address boot files name, published once");

        byte[] served = fetch(port, "1a2b3c4d/cmdline.txt");
        assertArrayEquals("generated for 1a2b3c4d/cmdline.txt\n".getBytes(StandardCharsets.US_ASCII), served);
        await(() -> reports.size() >= 2, "the transfer's start and end reported back to the application");
        assertEquals("1a2b3c4d/cmdline.txt", reports.get(0).filename());
        assertEquals(TftpTransferReport.Outcome.STARTED, reports.get(0).outcome(), "watchers hear of it at once");
        assertEquals(TftpTransferReport.Outcome.COMPLETED, reports.get(1).outcome());

        adapter.endpointDeactivation(factory, spec);
        await(() -> !NetbootStatus.engines().containsKey("tftp"), "gone from the status after deactivation");
        await(() -> endpointsReleased.get() == endpointsCreated.get(), "every endpoint given back");
        try (DatagramSocket again = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                port))) {
            assertEquals(port, again.getLocalPort(), "the socket is released");
        }
    }

    @Test
    void withoutAnAddressTheServerStaysOffAndHealthy() throws Exception {
        adapter.start(context());
        adapter.endpointActivation(factory(), new TftpActivationSpec());
        await(() -> state("disabled"), "off when nothing is configured");
        assertTrue(NetbootStatus.engines().get("tftp").healthy());
    }

    @Test
    void aBadSettingIsReportedDownNamingItAndTheApplicationKeepsRunning() throws Exception {
        adapter.start(context());
        settings.put("rpideploy.netboot.tftp-port", "sixty-nine");
        settings.put("rpideploy.netboot.tftp-address", "127.0.0.1");
        adapter.endpointActivation(factory(), new TftpActivationSpec()); // must not throw
        await(() -> state("down"), "down with a bad setting");
        String reason = NetbootStatus.engines().get("tftp").detail();
        assertEquals("settings: rpideploy.netboot.tftp-port (RPIDEPLOY_NETBOOT_TFTP_PORT): 'sixty-nine' is not a"
                + " whole number", reason);
    }

    private boolean state(String wanted) {
        NetbootStatus.Engine engine = NetbootStatus.engines().get("tftp");
        return engine != null && engine.state().label().equals(wanted);
    }

    /** RFC 1350 read of one short file: RRQ, DATA 1, ACK 1. */
    private static byte[] fetch(int port, String name) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(5_000);
            ByteArrayOutputStream rrq = new ByteArrayOutputStream();
            rrq.write(new byte[] {0, 1});
            rrq.write(name.getBytes(StandardCharsets.US_ASCII));
            rrq.write(0);
            rrq.write("octet".getBytes(StandardCharsets.US_ASCII));
            rrq.write(0);
            socket.send(new DatagramPacket(rrq.toByteArray(), rrq.size(), InetAddress.getLoopbackAddress(), port));
            DatagramPacket data = new DatagramPacket(new byte[600], 600);
            socket.receive(data);
            byte[] b = data.getData();
            assertEquals(3, b[1], "DATA");
            assertEquals(1, b[3], "block 1");
            socket.send(new DatagramPacket(new byte[] {0, 4, 0, 1}, 4, data.getSocketAddress()));
            byte[] content = new byte[data.getLength() - 4];
            System.arraycopy(b, 4, content, 0, content.length);
            return content;
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 10 s: " + what + "; status " + NetbootStatus.engines());
            }
            Thread.sleep(20);
        }
    }

    private BootstrapContext context() {
        WorkManager workManager = (WorkManager) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WorkManager.class}, (proxy, method, args) -> {
                    if (method.getName().equals("scheduleWork")) {
                        Thread t = new Thread(((Work) args[0])::run, "work-" + threads.size());
                        threads.add(t);
                        t.start();
                    }
                    return null;
                });
        return (BootstrapContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BootstrapContext.class}, (proxy, method, args) ->
                        method.getName().equals("getWorkManager") ? workManager : null);
    }

    /** An MDB stand-in: a generated file for every name, reports recorded. */
    private MessageEndpointFactory factory() {
        return (MessageEndpointFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MessageEndpointFactory.class}, (factoryProxy, factoryMethod, factoryArgs) -> {
                    switch (factoryMethod.getName()) {
                        case "hashCode": return System.identityHashCode(factoryProxy);
                        case "equals": return factoryProxy == factoryArgs[0];
                        case "createEndpoint": break;
                        default: return factoryMethod.getName().equals("isDeliveryTransacted") ? false : null;
                    }
                    endpointsCreated.incrementAndGet();
                    return Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[] {TftpListener.class, MessageEndpoint.class}, (proxy, method, args) ->
                                    switch (method.getName()) {
                                        case "open" -> new BootFile.Generated(("generated for "
                                                + ((BootRequest) args[0]).requested()
                                                + "\n").getBytes(StandardCharsets.US_ASCII));
                                        case "transferred" -> {
                                            @SuppressWarnings("unchecked")
                                            List<TftpTransferReport> batch = (List<TftpTransferReport>) args[0];
                                            reports.addAll(batch);
                                            yield null;
                                        }
                                        case "release" -> {
                                            endpointsReleased.incrementAndGet();
                                            yield null;
                                        }
                                        case "hashCode" -> System.identityHashCode(proxy);
                                        case "equals" -> proxy == args[0];
                                        default -> null;
                                    });
                });
    }
}
