package io.rpideploy.deployments.control;

import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.platform.control.DomainException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of a deployment's life as pure functions: which state may follow which, what a board's report may
 * contain, when the watchdog gives up on a silent board, and the addresses handed to the installer.
 *
 * <p>Transitions ({@code from -> to}; anything else is a 409 that changes nothing):
 * <ul>
 * <li>the same state again: a progress update (not a new timeline entry);</li>
 * <li>forward, skipping steps allowed ({@code started -> downloading}, {@code downloading -> customizing}): the
 * plan's installer sends each report once with a 5 s timeout and never retries, so a lost report must not block
 * the next one; and it sends {@code starting} before it asks for its config, so after /api/config the next report
 * is {@code downloading};</li>
 * <li>{@code started -> starting} (the order "config, then starting");</li>
 * <li>{@code failed} from any state that is not final;</li>
 * <li>from {@code interrupted} to any reported state, when the deployment is still its board's latest: the board
 * was only silent (the plan's installer reports nothing while it downloads for many minutes);</li>
 * <li>nothing after {@code success} or {@code failed}; never backwards; {@code started} and {@code interrupted}
 * are set by the server only.</li>
 * </ul>
 */
public final class DeploymentRules {

    /** Longer messages are cut, not refused: an installer's exception text is worth keeping even when long. */
    public static final int MAX_TEXT = 2000;
    public static final int DEFAULT_WATCHDOG_MINUTES = 10;

    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,62}");
    /** What the plan's installer sends when it cannot read /proc/cpuinfo: not a serial. */
    private static final String UNKNOWN = "unknown";

    private DeploymentRules() {
    }

    /** What a legal report does to a deployment. */
    public enum Move {
        /** Same state: only the progress figures change. */
        REPEAT,
        /** A new state: a timeline entry. */
        ADVANCE
    }

    /**
     * Whether a deployment in {@code from} may take the reported {@code to}.
     *
     * @param latestOfBoard whether no newer deployment of the same board exists (matters only for revival from
     *                      {@code interrupted})
     * @throws DomainException conflict (409) when the move is not allowed
     */
    public static Move transition(long id, DeploymentState from, DeploymentState to, boolean latestOfBoard) {
        if (!to.isReportable()) {
            throw DomainException.invalid("status", "Status '" + to.value() + "' is set by the server, not "
                    + "reported");
        }
        if (from.isFinal()) {
            throw DomainException.conflict("status", "Deployment " + id + " already ended with " + from.value()
                    + "; it cannot become " + to.value());
        }
        if (from == DeploymentState.INTERRUPTED) {
            if (!latestOfBoard) {
                throw DomainException.conflict("status", "Deployment " + id + " was interrupted and the board has "
                        + "started a newer deployment since");
            }
            return Move.ADVANCE;
        }
        if (to == from) {
            return Move.REPEAT;
        }
        if (to == DeploymentState.FAILED || to.rank() > from.rank()
                || (from == DeploymentState.STARTED && to == DeploymentState.STARTING)) {
            return Move.ADVANCE;
        }
        throw DomainException.conflict("status", "Deployment " + id + " is " + from.value() + "; it cannot go back"
                + " to " + to.value());
    }

    /** The {@code status} of a report: required, one of the states a board may report. */
    public static DeploymentState reportedState(String text) {
        if (text == null || text.isBlank()) {
            throw DomainException.invalid("status", "status is required (starting, downloading, verifying, "
                    + "customizing, success or failed)");
        }
        DeploymentState state = DeploymentState.parse(text).orElseThrow(() -> DomainException.invalid("status",
                "Unknown status '" + shorten(text.trim()) + "': use starting, downloading, verifying, customizing,"
                        + " success or failed"));
        if (!state.isReportable()) {
            throw DomainException.invalid("status", "Status '" + state.value() + "' is set by the server, not "
                    + "reported");
        }
        return state;
    }

    /** A board serial; the plan's installer's {@code "unknown"} counts as none. */
    public static SerialNumber serial(String text, String field) {
        if (text != null && text.trim().equalsIgnoreCase(UNKNOWN)) {
            return null;
        }
        return HostnameRules.serial(text, field);
    }

    /**
     * A hostname a board reports about itself: any DNS label (it may be a fallback name of the installer), kept
     * upper-case as the pools store them; {@code "unknown"} and {@code "None"} count as none.
     */
    public static String hostname(String text) {
        if (text == null || text.isBlank() || text.trim().equalsIgnoreCase(UNKNOWN)
                || text.trim().equals("None")) {
            return null;
        }
        String hostname = text.trim();
        if (!HOSTNAME.matcher(hostname).matches()) {
            throw DomainException.invalid("hostname", "Hostname must be letters, digits and '-' (at most 63), got '"
                    + shorten(hostname) + "'");
        }
        return hostname.toUpperCase(Locale.ROOT);
    }

    /** Free text from the board, trimmed and cut to {@value #MAX_TEXT} characters; null when empty. */
    public static String text(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String trimmed = text.strip();
        return trimmed.length() <= MAX_TEXT ? trimmed : trimmed.substring(0, MAX_TEXT - 1) + "…";
    }

    /** The figures of a progress report, each optional. */
    public record Figures(Integer progress, Long bytesWritten, Long bytesTotal, Long rateBps) {

        public static final Figures NONE = new Figures(null, null, null, null);

        public static Figures of(BigDecimal progress, BigDecimal bytesWritten, BigDecimal bytesTotal,
                                 BigDecimal rateBps) {
            Integer percent = null;
            if (progress != null) {
                if (progress.signum() < 0 || progress.compareTo(BigDecimal.valueOf(100)) > 0) {
                    throw DomainException.invalid("progress", "progress must be 0 to 100, got " + shorten(
                            progress.toPlainString()));
                }
                percent = progress.intValue(); // 99.9 % is not done yet
            }
            Long written = count(bytesWritten, "bytes_written");
            Long total = count(bytesTotal, "bytes_total");
            if (written != null && total != null && written > total) {
                throw DomainException.invalid("bytes_written", "bytes_written (" + written + ") is more than "
                        + "bytes_total (" + total + ")");
            }
            return new Figures(percent, written, total, count(rateBps, "rate_bps"));
        }

        public boolean isEmpty() {
            return progress == null && bytesWritten == null && bytesTotal == null && rateBps == null;
        }

        /** These figures where given, the older ones elsewhere. */
        public Figures over(Figures older) {
            return new Figures(progress != null ? progress : older.progress,
                    bytesWritten != null ? bytesWritten : older.bytesWritten,
                    bytesTotal != null ? bytesTotal : older.bytesTotal,
                    rateBps != null ? rateBps : older.rateBps);
        }
    }

    private static Long count(BigDecimal value, String field) {
        if (value == null) {
            return null;
        }
        try {
            long count = value.longValueExact();
            if (count < 0) {
                throw DomainException.invalid(field, field + " must not be negative");
            }
            return count;
        } catch (ArithmeticException e) {
            throw DomainException.invalid(field, field + " must be a whole number of at most 19 digits");
        }
    }

    /** The watchdog's limit; a setting below one minute counts as one. */
    public static Duration watchdogLimit(int minutes) {
        return Duration.ofMinutes(Math.max(1, minutes));
    }

    /** Whether a board in {@code state}, last heard at {@code lastSeen}, has been silent too long at {@code now}. */
    public static boolean silent(DeploymentState state, Instant lastSeen, Instant now, Duration limit) {
        return state.isActive() && lastSeen != null && !lastSeen.plus(limit).isAfter(now);
    }

    /**
     * Where the board downloads its image: below {@code publicUrl} when set (ops behind NAT or a proxy), else
     * on the address and port the board's request arrived on, which the board can reach by construction.
     */
    public static String imageUrl(Optional<String> publicUrl, String localAddr, int localPort, String contextPath,
                                  String filename) {
        String name = URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
        if (publicUrl.isPresent()) {
            String base = publicUrl.get().strip();
            return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/images/" + name;
        }
        String host = localAddr.contains(":") ? "[" + localAddr + "]" : localAddr;
        String context = contextPath == null || contextPath.equals("/") ? "" : contextPath;
        return "http://" + host + ":" + localPort + context + "/images/" + name;
    }

    /** The plan's {@code server_ip}: the public URL's host when set, else the local address (IPv6 unbracketed). */
    public static String serverIp(Optional<String> publicUrl, String localAddr) {
        if (publicUrl.isPresent()) {
            try {
                String host = URI.create(publicUrl.get().strip()).getHost();
                if (host != null) {
                    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
                }
            } catch (IllegalArgumentException notAUri) {
                // a mistyped setting still leaves the board an address it can reach
            }
        }
        return localAddr;
    }

    static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
