package io.rpideploy.netboot.ra;

import io.rpideploy.netboot.api.DhcpExchange;
import io.rpideploy.netboot.api.TftpTransferReport;

import io.rpideploy.netboot.api.NetbootStatus;
import io.rpideploy.netboot.api.ServerState;
import io.rpideploy.netboot.policy.NetbootEvents;
import jakarta.resource.spi.work.Work;
import java.io.IOException;
import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One activated server (DHCP or TFTP) as a {@code Work}: reads its settings (the process's over the spec's, parsed
 * by the {@link io.rpideploy.netboot.api.NetbootSetting} catalog), waits for the application, binds, serves until
 * released. Binding happens here, not in {@code endpointActivation}: a failure
 * there would take the application down with it. When the server cannot bind (port in use, no permission, no such
 * interface yet) it logs once, reports {@code down} with the reason through {@link NetbootStatus} and tries again
 * every {@code retry-interval} (30 s); a settings error is logged and reported the same way, naming the setting,
 * and not retried.
 */
abstract class ServerActivation<L> implements Work {

    private static final Logger LOG = Logger.getLogger(ServerActivation.class.getName());
    private static final Duration APP_WAIT = Duration.ofSeconds(2);

    protected final String name;
    protected final Endpoints<L> endpoints;
    protected final NetbootActivationSpec spec;
    protected final WorkExecutor executor;
    private final Function<String, Optional<String>> source;
    private final Object lock = new Object();
    private volatile boolean released;
    private String lastFailure;
    private Duration retry = Duration.ofSeconds(30);

    ServerActivation(String name, Endpoints<L> endpoints, NetbootActivationSpec spec, WorkExecutor executor,
                     Function<String, Optional<String>> source) {
        this.name = name;
        this.endpoints = endpoints;
        this.spec = spec;
        this.executor = executor;
        this.source = source;
    }

    protected abstract boolean enabled(Settings settings);

    /** Builds and binds the server; the returned one is open. */
    protected abstract Engine open(Settings settings) throws IOException;

    /** What this class needs of an engine. */
    interface Engine extends AutoCloseable {
        void run();

        String describe();

        @Override
        void close();

        /** An opened server, its event relay (closed with it) and how it describes itself when up. */
        static Engine of(Runnable serve, Runnable closeServer, EventRelay<?> relay, String description) {
            return new Engine() {
                @Override
                public void run() {
                    serve.run();
                }

                @Override
                public String describe() {
                    return description;
                }

                @Override
                public void close() {
                    closeServer.run();
                    relay.stop();
                }
            };
        }
    }

    /** Engine events, each ignored unless a server overrides it (each server reports only its own kind). */
    abstract static class Events implements NetbootEvents {
        @Override
        public void dhcp(DhcpExchange exchange) {
        }

        @Override
        public void tftp(TftpTransferReport report) {
        }

        @Override
        public void rogueDhcpServer(Inet4Address server, String serverMac, Instant seen) {
        }
    }

    private volatile Engine engine;

    @Override
    public void run() {
        NetbootStatus.engine(name, ServerState.STARTING, "waiting for the application");
        try {
            Settings settings = settings();
            if (settings == null) {
                return;
            }
            retry = settings.retryInterval();
            if (!enabled(settings)) {
                NetbootStatus.engine(name, ServerState.DISABLED, disabledReason());
                LOG.info(name.toUpperCase() + " server off: " + disabledReason());
                return;
            }
            if (!awaitApplication()) {
                return;
            }
            while (!released) {
                try {
                    settings.serverAddress().ifPresent(NetbootStatus::serverAddress);
                    Engine opened = open(settings);
                    engine = opened;
                    if (released) {
                        opened.close();
                        break;
                    }
                    lastFailure = null;
                    NetbootStatus.engine(name, ServerState.UP, opened.describe());
                    LOG.info(name.toUpperCase() + " server up: " + opened.describe());
                    opened.run();
                    opened.close();
                } catch (IOException | IllegalArgumentException | IllegalStateException e) {
                    failed(e.getMessage());
                    pause(retry);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, name.toUpperCase() + " server stopped by an unexpected error", e);
            NetbootStatus.engine(name, ServerState.DOWN, "stopped by an unexpected error: " + e);
        } finally {
            endpoints.releaseCurrent();
        }
    }

    protected String disabledReason() {
        return "not configured";
    }

    /** Reads the settings; null when one does not parse (logged and reported, naming the setting). */
    private Settings settings() {
        try {
            return Settings.read(spec.values(), source);
        } catch (IllegalArgumentException bad) {
            NetbootStatus.engine(name, ServerState.DOWN, "settings: " + bad.getMessage());
            LOG.severe(name.toUpperCase() + " server not started: " + bad.getMessage());
            return null;
        }
    }

    /**
     * Waits until the application's endpoint can be created (its MDB deployed and started): the server answers
     * nothing it cannot ask the application about. False once released.
     */
    private boolean awaitApplication() {
        while (!released) {
            try {
                endpoints.current();
                return true;
            } catch (IllegalStateException notReady) {
                pause(APP_WAIT);
            }
        }
        return false;
    }

    /** Logs a failure once (again only when the reason changes), and reports it through health. */
    private void failed(String reason) {
        NetbootStatus.engine(name, ServerState.DOWN, reason + " (retrying every " + seconds(retry) + " s)");
        if (!Objects.equals(reason, lastFailure)) {
            LOG.warning(name.toUpperCase() + " server cannot start: " + reason + "; the rest of the server runs on,"
                    + " retrying every " + seconds(retry) + " s");
            lastFailure = reason;
        }
    }

    /** {@code 30}, or {@code 0.2} for a test's short interval. */
    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? String.valueOf(d.toSeconds())
                : java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    private void pause(Duration duration) {
        synchronized (lock) {
            if (!released) {
                try {
                    lock.wait(duration.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    released = true;
                }
            }
        }
    }

    /** The container's (or our deactivation's) stop: the server closes and {@link #run} returns. */
    @Override
    public void release() {
        released = true;
        Engine current = engine;
        if (current != null) {
            current.close();
        }
        synchronized (lock) {
            lock.notifyAll();
        }
        NetbootStatus.engineGone(name);
    }
}
