package io.rpideploy.platform.control;

import io.rpideploy.netboot.api.NetbootStatus;
import io.rpideploy.netboot.api.ServerState;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The start log's last lines: where the console and the deployment API answer and what the netboot servers do, so
 * a person reading the log (journalctl -u rpi-deploy) finds them without reading the rest. Written once the netboot
 * servers have left their starting state and /health answers (a wait bounded to a minute), so after the runtime's
 * own start-up lines.
 */
@ApplicationScoped
public class StartSummary {

    private static final Logger LOG = Logger.getLogger(StartSummary.class.getName());
    private static final long WAIT_MILLIS = 60_000;

    @Resource
    ManagedExecutorService executor;

    /** After the other start-up observers (folders, boot environments, netboot settings). */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 1000) @Initialized(ApplicationScoped.class)
               Object started) {
        Config config = ConfigProvider.getConfig();
        executor.execute(() -> {
            long until = System.currentTimeMillis() + WAIT_MILLIS;
            while ((netbootStarting() || !serving(config)) && System.currentTimeMillis() < until) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            LOG.info(summary(config, ManagementFactory.getRuntimeMXBean().getUptime()));
        });
    }

    static String summary(Config config, long uptimeMillis) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "rpi-deploy started in %.1f s",
                uptimeMillis / 1000.0));
        String management = url("http", setting(config, "rpideploy.management.address", "0.0.0.0"),
                setting(config, "rpideploy.management.port", "5000"));
        text.append("\n  console and management API: ").append(management);
        Optional<String> tls = config.getOptionalValue("rpideploy.management.tls-port", String.class)
                .filter(s -> !s.isBlank());
        tls.ifPresent(port -> text.append(" and ").append(url("https",
                setting(config, "rpideploy.management.address", "0.0.0.0"), port)));
        text.append("\n  deployment API, images and boot files (boards): ").append(url("http",
                setting(config, "rpideploy.deployment.address", "0.0.0.0"),
                setting(config, "rpideploy.deployment.port", "5001")));
        text.append("\n  netboot: ").append(netboot());
        return text.toString();
    }

    private static String setting(Config config, String name, String fallback) {
        return config.getOptionalValue(name, String.class).filter(s -> !s.isBlank()).orElse(fallback);
    }

    private static String url(String scheme, String address, String port) {
        boolean all = address.equals("0.0.0.0") || address.equals("::");
        String host = all ? "<this host>" : address.contains(":") ? "[" + address + "]" : address;
        return scheme + "://" + host + ":" + port + "/" + (all ? " (all interfaces)" : "");
    }

    /** Whether the application answers /health (the runtime's last start-up lines come before it does). */
    private static boolean serving(Config config) {
        String address = setting(config, "rpideploy.management.address", "0.0.0.0");
        String host = address.equals("0.0.0.0") || address.equals("::") ? "127.0.0.1" : address;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, Integer.parseInt(setting(config, "rpideploy.management.port",
                    "5000"))), 500);
            socket.getOutputStream().write("HEAD /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(2000);
            byte[] status = socket.getInputStream().readNBytes(12);
            String line = new String(status, StandardCharsets.US_ASCII);
            // the application's answer (up or down), not the runtime's 404 before the application is loaded
            return line.startsWith("HTTP/1.1 200") || line.startsWith("HTTP/1.1 503");
        } catch (IOException | RuntimeException notYet) {
            return false;
        }
    }

    private static boolean netbootStarting() {
        try {
            return NetbootStatus.engines().values().stream().anyMatch(e -> e.state() == ServerState.STARTING);
        } catch (LinkageError noAdapter) {
            return false;
        }
    }

    static String netboot() {
        try {
            if (NetbootStatus.adapterStartedAt().isEmpty()) {
                return "adapter not running";
            }
            Map<String, NetbootStatus.Engine> engines = new TreeMap<>(NetbootStatus.engines());
            if (engines.isEmpty()) {
                return "no server";
            }
            StringBuilder text = new StringBuilder();
            engines.forEach((name, engine) -> text.append(text.isEmpty() ? "" : "; ")
                    .append(name.toUpperCase(Locale.ROOT)).append(' ').append(engine.state().label())
                    .append(engine.detail() == null ? "" : ": " + engine.detail()));
            return text.toString();
        } catch (LinkageError noAdapter) {
            return "adapter not deployed";
        }
    }
}
