package io.rpideploy.metrics.control;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The server's metrics in one registry of its own (never the library's global default, which a second deployment
 * in the same JVM would share). Counters count since start; gauges are read when scraped. Plain Java: the CDI bean
 * {@link Metrics} feeds it from the application's events and state.
 */
public final class ServerMetrics {

    /** The DHCP replies counted even before the first one, so a rate over them is defined from the start. */
    static final List<String> DHCP_TYPES = List.of("offer", "ack", "nak");
    static final List<String> TFTP_OUTCOMES = List.of("completed", "failed", "aborted", "refused");
    public static final List<String> LISTENERS = List.of("management", "deployment");
    /** Seconds; downloads of whole images go up to minutes, API calls are milliseconds. */
    static final double[] DURATION_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
            1800};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter dhcpMessages;
    private final Counter tftpTransfers;
    private final Counter tftpBytes;
    private final Histogram requestDuration;

    /** What the gauges read at scrape time. */
    public record Sources(Supplier<Map<String, Long>> deploymentsByState, LongSupplier downloadsStreaming,
                          LongSupplier downloadsWaiting, LongSupplier downloadsStalled,
                          LongSupplier downloadBytes) {
    }

    public ServerMetrics(Sources sources) {
        dhcpMessages = Counter.builder().name("rpideploy_dhcp_messages_total")
                .help("DHCP replies sent by the server, by message type").labelNames("type").register(registry);
        DHCP_TYPES.forEach(t -> dhcpMessages.labelValues(t));
        tftpTransfers = Counter.builder().name("rpideploy_tftp_transfers_total")
                .help("TFTP transfers that ended, by outcome (failed and refused are errors; aborted is a board"
                        + " probing for a file)").labelNames("outcome").register(registry);
        TFTP_OUTCOMES.forEach(o -> tftpTransfers.labelValues(o));
        tftpBytes = Counter.builder().name("rpideploy_tftp_bytes_total").unit(Unit.BYTES)
                .help("Bytes sent by TFTP transfers that ended").register(registry);
        requestDuration = Histogram.builder().name("rpideploy_http_request_duration_seconds").unit(Unit.SECONDS)
                .help("Time from a request reaching the application to its response being complete, by listener")
                .labelNames("listener").classicOnly().classicUpperBounds(DURATION_BUCKETS).register(registry);
        LISTENERS.forEach(l -> requestDuration.labelValues(l));
        GaugeWithCallback.builder().name("rpideploy_deployments").help("Deployments by state, from the database"
                        + " (read at most every few seconds)").labelNames("state")
                .callback(cb -> sources.deploymentsByState().get().forEach((state, n) -> cb.call(n, state)))
                .register(registry);
        GaugeWithCallback.builder().name("rpideploy_downloads_streaming")
                .help("Image downloads being sent now")
                .callback(cb -> cb.call(sources.downloadsStreaming().getAsLong())).register(registry);
        GaugeWithCallback.builder().name("rpideploy_downloads_waiting")
                .help("Image downloads waiting in the queue for a slot")
                .callback(cb -> cb.call(sources.downloadsWaiting().getAsLong())).register(registry);
        CounterWithCallback.builder().name("rpideploy_downloads_stalled_total")
                .help("Image downloads that lost their slot for want of progress")
                .callback(cb -> cb.call(sources.downloadsStalled().getAsLong())).register(registry);
        CounterWithCallback.builder().name("rpideploy_download_bytes_total").unit(Unit.BYTES)
                .help("Body bytes of images and boot files sent over HTTP")
                .callback(cb -> cb.call(sources.downloadBytes().getAsLong())).register(registry);
        long startMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
        GaugeWithCallback.builder().name("process_start_time_seconds").unit(Unit.SECONDS)
                .help("Start time of the process since the Unix epoch")
                .callback(cb -> cb.call(startMillis / 1000.0)).register(registry);
        GaugeWithCallback.builder().name("rpideploy_uptime_seconds").unit(Unit.SECONDS)
                .help("Time since the process started")
                .callback(cb -> cb.call(ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0))
                .register(registry);
        GaugeWithCallback.builder().name("jvm_memory_used_bytes").unit(Unit.BYTES)
                .help("Used bytes of a memory area").labelNames("area")
                .callback(cb -> {
                    cb.call(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), "heap");
                    cb.call(ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed(), "nonheap");
                }).register(registry);
        GaugeWithCallback.builder().name("jvm_memory_max_bytes").unit(Unit.BYTES)
                .help("Maximum bytes of the heap (-Xmx)").labelNames("area")
                .callback(cb -> {
                    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                    cb.call(heap.getMax(), "heap");
                }).register(registry);
    }

    /** A reply the DHCP server sent ({@code OFFER}, {@code ACK}, {@code NAK}; other names are counted as given). */
    public void dhcpReply(String type) {
        if (type != null && !type.isBlank()) {
            dhcpMessages.labelValues(type.toLowerCase(Locale.ROOT)).inc();
        }
    }

    /** A TFTP transfer that ended with {@code outcome} (COMPLETED, FAILED, ABORTED, REFUSED) after {@code bytes}. */
    public void tftpTransfer(String outcome, long bytes) {
        if (outcome == null || outcome.isBlank()) {
            return;
        }
        tftpTransfers.labelValues(outcome.toLowerCase(Locale.ROOT)).inc();
        if (bytes > 0) {
            tftpBytes.inc(bytes);
        }
    }

    public void request(String listener, long nanos) {
        requestDuration.labelValues(listener).observe(nanos / 1e9);
    }

    public String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    public void write(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
    }

    /** The whole text, for tests. */
    public String text() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
