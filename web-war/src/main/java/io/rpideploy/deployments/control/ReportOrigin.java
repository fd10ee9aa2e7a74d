package io.rpideploy.deployments.control;

import io.rpideploy.deployments.entity.Deployment;
import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.platform.control.DomainException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Who may change a deployment: only the board that opened it. Boards have no credentials, so /api/config hands
 * each run a secret (the report token; only its SHA-256 is stored) that our installer sends with every report. The
 * plan's installer cannot, so a report without the token must come from the address the run was opened from and,
 * when this server's DHCP leases that address, not from an address leased to another board.
 */
public final class ReportOrigin {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ReportOrigin() {
    }

    /** A new report token: 128 random bits, URL-safe. */
    public static String newToken() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Refuses (403) a report that does not come from the board that opened the deployment. */
    public static void check(Deployment d, String token, String ip, Optional<MacAddress> leaseHolder) {
        if (token != null) {
            if (d.getReportTokenHash() == null || !MessageDigest.isEqual(
                    d.getReportTokenHash().getBytes(StandardCharsets.US_ASCII),
                    hash(token).getBytes(StandardCharsets.US_ASCII))) {
                throw forbidden(d, "its report token does not match");
            }
            return;
        }
        if (d.getIpAddress() != null && !d.getIpAddress().equals(ip)) {
            throw forbidden(d, "it was opened from another address");
        }
        if (leaseHolder.isPresent() && d.mac() != null && !leaseHolder.get().equals(d.mac())) {
            throw forbidden(d, "this address is leased to another board");
        }
    }

    /**
     * A run of this board still going on from elsewhere (another address, or another MAC than the one asking):
     * a new /api/config or {@code starting} must not interrupt it. A run that has gone quiet for the watchdog's
     * time, or was already marked interrupted, no longer counts.
     */
    public static Optional<Deployment> runningElsewhere(List<Deployment> open, String ip, MacAddress mac,
                                                        Instant now, Duration quiet) {
        for (Deployment d : open) {
            if (d.getState() == DeploymentState.INTERRUPTED || d.getLastSeenAt() == null || d.getLastSeenAt().plus(quiet).isBefore(now)) {
                continue;
            }
            boolean otherAddress = d.getIpAddress() != null && !d.getIpAddress().equals(ip);
            boolean otherMac = d.mac() != null && mac != null && !d.mac().equals(mac);
            if (otherAddress || otherMac) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The server's own host (tests, a proxy on the same machine): not a board on the deployment network. */
    public static boolean loopback(String ip) {
        try {
            return ip != null && java.net.InetAddress.getByName(ip).isLoopbackAddress();
        } catch (java.net.UnknownHostException notAnAddress) {
            return false;
        }
    }

    public static DomainException busy(Deployment d) {
        return DomainException.conflict("serial_number", "This board is being imaged from another address or "
                + "network card (deployment " + d.getId() + "); ask again when that run has ended or gone quiet");
    }

    private static DomainException forbidden(Deployment d, String why) {
        return new DomainException(DomainException.Kind.FORBIDDEN, null, "This report does not come from the "
                + "board that opened deployment " + d.getId() + ": " + why);
    }
}
