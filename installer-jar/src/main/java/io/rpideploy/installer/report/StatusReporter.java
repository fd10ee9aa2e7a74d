package io.rpideploy.installer.report;

import io.rpideploy.installer.http.HttpJson;
import io.rpideploy.installer.http.Json;
import io.rpideploy.installer.http.ServerHealth;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sends {@code POST /api/status} reports from a background thread, in order. A report that cannot be delivered
 * stays queued and is retried every 2 s; a newer progress report of the same status replaces a queued one, so
 * the queue stays short while the server is away. Nothing here ever fails the installation.
 */
public final class StatusReporter implements AutoCloseable {

    /** The statuses of the plan, in their order. */
    public enum Status {
        STARTING, DOWNLOADING, VERIFYING, CUSTOMIZING, SUCCESS, FAILED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Optional progress figures of a report. */
    public record Progress(int percent, long bytesWritten, Long bytesTotal, long rateBps) {
    }

    private record Pending(Map<String, Object> body, boolean progressOnly) {
    }

    private static final int REPORT_TIMEOUT_MILLIS = 30_000;
    private static final long FINAL_WAIT_MILLIS = 180_000;

    private final String url;
    private final String serial;
    private final String mac;
    private final Consumer<String> log;
    private final Deque<Pending> queue = new ArrayDeque<>();
    private final Thread worker;
    private volatile String hostname;
    private volatile Long deploymentId;
    private volatile String reportToken;
    private boolean closing;
    private boolean warned;
    private long finalWaitMillis = FINAL_WAIT_MILLIS;

    /** {@code server} null: reports are only dropped (dry run). */
    public StatusReporter(String server, String serial, String mac, Consumer<String> log) {
        this.url = server == null ? null : server + "/api/status";
        this.serial = serial;
        this.mac = mac;
        this.log = log;
        this.worker = new Thread(this::deliverLoop, "status-reporter");
        this.worker.setDaemon(true);
        if (url != null) {
            worker.start();
        }
    }

    /** How long {@link #close()} waits at most for the success report (tests shorten it). */
    void finalWait(long millis) {
        this.finalWaitMillis = millis;
    }

    /**
     * The run the server opened; its report token proves every later report comes from this board. A "starting"
     * report not delivered yet is obsolete now (the config request opened the run) and is dropped: sent late, it
     * would tell the server this board started over and move its configured run back to "starting".
     */
    public void assigned(String hostname, Long deploymentId, String reportToken) {
        this.hostname = hostname;
        this.deploymentId = deploymentId;
        this.reportToken = reportToken;
        synchronized (this) {
            queue.removeIf(StatusReporter::isStarting);
        }
    }

    private static boolean isStarting(Pending p) {
        return Status.STARTING.wire().equals(p.body().get("status"));
    }

    private static boolean isSuccess(Pending p) {
        return Status.SUCCESS.wire().equals(p.body().get("status"));
    }

    public void send(Status status, String message) {
        send(status, message, null, null);
    }

    public void send(Status status, String message, String errorMessage, Progress progress) {
        if (url == null) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.wire());
        body.put("message", message);
        body.put("hostname", hostname);
        body.put("serial", serial);
        body.put("mac_address", mac);
        body.put("error_message", errorMessage);
        body.put("timestamp", System.currentTimeMillis() / 1000.0);
        body.put("deployment_id", deploymentId);
        if (reportToken != null) {
            body.put("report_token", reportToken);
        }
        if (progress != null) {
            body.put("progress", Math.max(0, Math.min(100, progress.percent())));
            Long total = progress.bytesTotal();
            body.put("bytes_written", total == null ? progress.bytesWritten()
                    : Math.min(progress.bytesWritten(), total));
            body.put("bytes_total", total);
            body.put("rate_bps", progress.rateBps());
        }
        synchronized (this) {
            Pending last = queue.peekLast();
            boolean progressOnly = progress != null;
            if (progressOnly && last != null && last.progressOnly()
                    && status.wire().equals(last.body().get("status"))) {
                queue.pollLast();
            }
            queue.addLast(new Pending(body, progressOnly));
            notifyAll();
        }
    }

    private void deliverLoop() {
        while (true) {
            Pending head;
            synchronized (this) {
                while (queue.isEmpty() && !closing) {
                    waitQuietly(0);
                }
                if (queue.isEmpty()) {
                    return;
                }
                head = queue.peekFirst();
            }
            boolean delivered;
            try {
                // a server busy with a fleet answers in seconds: a short timeout would send every report twice
                HttpJson.Answer answer = HttpJson.post(url, Json.write(head.body()), REPORT_TIMEOUT_MILLIS);
                // a 404 from a server that is (re)starting (no application yet) is not an answer: send it again
                delivered = answer.status() < 500 && (answer.status() != 404 || !ServerHealth.starting(url, 3000));
                if (answer.status() >= 400 && answer.status() < 500) {
                    log.accept("status report '" + head.body().get("status") + "' rejected: HTTP "
                            + answer.status() + " " + answer.body());
                }
            } catch (Exception e) {
                delivered = false;
                if (!warned) {
                    log.accept("status report not delivered (" + e + "), will retry");
                    warned = true;
                }
            }
            synchronized (this) {
                if (delivered) {
                    if (queue.peekFirst() == head) {
                        queue.pollFirst();
                    }
                    warned = false;
                    notifyAll();
                } else if (closing) {
                    return;
                } else {
                    if (deploymentId != null && isStarting(head) && queue.peekFirst() == head) {
                        queue.pollFirst(); // obsolete since the config answer (see assigned)
                    }
                    waitQuietly(2000);
                }
            }
        }
    }

    private void waitQuietly(long millis) {
        try {
            wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    /** Waits up to {@code millis} for queued reports to be delivered, then gives up on the rest. */
    public void flush(long millis) {
        if (url == null) {
            return;
        }
        long deadline = System.currentTimeMillis() + millis;
        synchronized (this) {
            while (!queue.isEmpty() && System.currentTimeMillis() < deadline) {
                waitQuietly(Math.max(1, Math.min(200, deadline - System.currentTimeMillis())));
            }
        }
    }

    /**
     * Delivers what is queued: up to 10 s, and up to {@code FINAL_WAIT_MILLIS} more while the {@code success}
     * report is still queued. The server decides from it whether the board boots its card next time or the
     * installer again (which images it again), so it is worth waiting for a server that is slow under a fleet; a
     * failed board boots the installer again either way.
     */
    @Override
    public void close() {
        flush(10_000);
        boolean finalPending;
        synchronized (this) {
            finalPending = queue.stream().anyMatch(StatusReporter::isSuccess);
        }
        if (finalPending && url != null) {
            log.accept("waiting up to " + finalWaitMillis / 1000 + " s for the server to take the success report");
            flush(finalWaitMillis);
            synchronized (this) {
                if (queue.stream().anyMatch(StatusReporter::isSuccess)) {
                    log.accept("the server did not take the success report: the console shows this board "
                            + "unfinished, and it boots the installer again next time");
                }
            }
        }
        synchronized (this) {
            closing = true;
            notifyAll();
        }
    }
}
