package io.rpideploy.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.platform.control.SteppedClock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ServerMetricsTest {

    private final AtomicLong streaming = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Map<String, Long> deployments = new LinkedHashMap<>(Map.of("success", 3L, "failed", 1L));
    private final ServerMetrics metrics = new ServerMetrics(new ServerMetrics.Sources(() -> deployments,
            streaming::get, () -> 2, () -> 5, bytes::get));

    /** The value of one sample line, e.g. {@code rpideploy_dhcp_messages_total{type="ack"}}. */
    private static double sample(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), series + " not in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void dhcpRepliesAreCountedByTypeAndStartAtZero() {
        assertEquals(0, sample(metrics.text(), "rpideploy_dhcp_messages_total{type=\"nak\"}"));
        metrics.dhcpReply("OFFER");
        metrics.dhcpReply("ACK");
        metrics.dhcpReply("ACK");
        metrics.dhcpReply(null); // a RELEASE has no reply
        String text = metrics.text();
        assertEquals(1, sample(text, "rpideploy_dhcp_messages_total{type=\"offer\"}"));
        assertEquals(2, sample(text, "rpideploy_dhcp_messages_total{type=\"ack\"}"));
        assertEquals(0, sample(text, "rpideploy_dhcp_messages_total{type=\"nak\"}"));
        assertTrue(text.contains("# TYPE rpideploy_dhcp_messages_total counter"), text);
    }

    @Test
    void tftpTransfersByOutcomeAndTheirBytes() {
        metrics.tftpTransfer("COMPLETED", 1000);
        metrics.tftpTransfer("FAILED", 24);
        metrics.tftpTransfer("REFUSED", 0);
        String text = metrics.text();
        assertEquals(1, sample(text, "rpideploy_tftp_transfers_total{outcome=\"completed\"}"));
        assertEquals(1, sample(text, "rpideploy_tftp_transfers_total{outcome=\"failed\"}"));
        assertEquals(1, sample(text, "rpideploy_tftp_transfers_total{outcome=\"refused\"}"));
        assertEquals(0, sample(text, "rpideploy_tftp_transfers_total{outcome=\"aborted\"}"));
        assertEquals(1024, sample(text, "rpideploy_tftp_bytes_total"));
    }

    @Test
    void gaugesAreReadWhenScraped() {
        streaming.set(4);
        bytes.set(123_456_789_012L);
        String text = metrics.text();
        assertEquals(4, sample(text, "rpideploy_downloads_streaming"));
        assertEquals(2, sample(text, "rpideploy_downloads_waiting"));
        assertEquals(5, sample(text, "rpideploy_downloads_stalled_total"));
        assertEquals(123_456_789_012.0, sample(text, "rpideploy_download_bytes_total"));
        assertEquals(3, sample(text, "rpideploy_deployments{state=\"success\"}"));
        deployments.put("success", 4L);
        assertEquals(4, sample(metrics.text(), "rpideploy_deployments{state=\"success\"}"));
        assertTrue(sample(text, "jvm_memory_used_bytes{area=\"heap\"}") > 0);
        assertTrue(sample(text, "process_start_time_seconds") > 1.7e9);
        assertTrue(text.contains("# TYPE rpideploy_uptime_seconds gauge"), text);
    }

    @Test
    void requestDurationsFormAHistogramPerListener() {
        metrics.request("deployment", Duration.ofMillis(30).toNanos());
        metrics.request("deployment", Duration.ofSeconds(2).toNanos());
        String text = metrics.text();
        assertEquals(2, sample(text, "rpideploy_http_request_duration_seconds_count{listener=\"deployment\"}"));
        assertEquals(0, sample(text, "rpideploy_http_request_duration_seconds_count{listener=\"management\"}"));
        assertEquals(1, sample(text, "rpideploy_http_request_duration_seconds_bucket{listener=\"deployment\",le=\"0.05\"}"));
        assertEquals(2, sample(text, "rpideploy_http_request_duration_seconds_bucket{listener=\"deployment\",le=\"+Inf\"}"));
        assertEquals(2.03, sample(text, "rpideploy_http_request_duration_seconds_sum{listener=\"deployment\"}"), 1e-9);
    }

    @Test
    void theTextFormatsContentTypeIsPrometheus004() {
        assertTrue(metrics.contentType().startsWith("text/plain; version=0.0.4"), metrics.contentType());
    }

    @Test
    void deploymentCountsAreReadAtMostOncePerPeriodAndSurviveAFailedRead() {
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger failNext = new AtomicInteger();
        SteppedClock clock = new SteppedClock(Instant.parse("2026-01-01T00:00:00Z"));
        CachedCounts counts = new CachedCounts(() -> {
            reads.incrementAndGet();
            if (failNext.getAndSet(0) == 1) {
                throw new IllegalStateException("database busy");
            }
            return Map.of("success", (long) reads.get());
        }, Duration.ofSeconds(5), clock);
        assertEquals(1L, counts.get().get("success"));
        clock.advance(Duration.ofSeconds(4));
        assertEquals(1L, counts.get().get("success"));
        assertEquals(1, reads.get());
        clock.advance(Duration.ofSeconds(1));
        failNext.set(1);
        assertEquals(1L, counts.get().get("success"), "a failed read keeps the last counts");
        clock.advance(Duration.ofSeconds(5));
        assertEquals(3L, counts.get().get("success"));
    }
}
