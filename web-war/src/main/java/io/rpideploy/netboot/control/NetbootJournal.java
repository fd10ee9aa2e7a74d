package io.rpideploy.netboot.control;

import io.rpideploy.netboot.api.NetbootSetting;
import io.rpideploy.netboot.api.DhcpExchange;
import io.rpideploy.netboot.api.TftpTransferReport;
import io.rpideploy.platform.control.InstantConverter;
import io.rpideploy.platform.control.SerializedWrite;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Records what the DHCP and TFTP servers did, in batches (the adapter hands them over every few hundred
 * milliseconds), and tells the rest of the application through CDI events. DISCOVER/OFFER steps are not stored
 * (a board repeats them; the ACK that follows is what counts) but still go to live watchers. Rows older than
 * {@code rpideploy.netboot.event-retention-days} are removed now and then.
 */
@ApplicationScoped
public class NetbootJournal {

    private static final Logger LOG = Logger.getLogger(NetbootJournal.class.getName());
    private static final Set<String> STORED = Set.of("ACK", "NAK", "RELEASE", "DECLINE", "INFORM");
    private static final String INSERT = "INSERT INTO netboot_event (at, protocol, kind, mac_address, pi_serial,"
            + " ip_address, client_kind, file_name, bytes, duration_ms, block_size, window_size, detail)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    @Resource(lookup = "jdbc/rpideploy")
    DataSource database;

    @Inject
    LeaseBook leases;

    @Inject
    NetbootConfig config;

    @Inject
    Event<LeaseGranted> leaseEvents;

    @Inject
    Event<BootFileTransferred> transferEvents;

    @Inject
    Event<BootFileRequested> requestEvents;

    @Inject
    Event<RogueDhcpServerSeen> rogueEvents;

    Clock clock = Clock.systemUTC();
    private volatile Instant lastPrune = Instant.EPOCH;

    @SerializedWrite
    @Transactional
    public void dhcp(List<DhcpExchange> exchanges) {
        try (Connection c = database.getConnection(); PreparedStatement insert = c.prepareStatement(INSERT)) {
            int rows = 0;
            for (DhcpExchange e : exchanges) {
                String kind = (e.reply() != null ? e.reply() : e.message()).name();
                if (!STORED.contains(kind)) {
                    continue;
                }
                row(insert, e.at(), "dhcp", kind, e.client() == null ? null : e.client().mac(),
                        e.client() == null ? null : e.client().piSerial(),
                        e.address() == null ? null : e.address().getHostAddress(),
                        e.client() == null ? null : e.client().kind().name(), null, null, null, null, null,
                        e.detail());
                rows++;
            }
            if (rows > 0) {
                insert.executeBatch();
            }
            prune(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record DHCP events: " + e.getMessage(), e);
        }
        for (DhcpExchange e : exchanges) {
            leaseEvents.fire(new LeaseGranted(e.at(), e.message().name(), e.reply() == null ? null : e.reply().name(),
                    e.client() == null ? null : e.client().mac(),
                    e.address() == null ? null : e.address().getHostAddress(),
                    e.client() == null ? null : e.client().kind().name(),
                    e.client() == null ? null : e.client().piSerial(), e.detail()));
        }
    }

    @SerializedWrite
    @Transactional
    public void tftp(List<TftpTransferReport> batch) {
        List<TftpTransferReport> reports = new ArrayList<>(batch.size());
        for (TftpTransferReport r : batch) {
            if (r.outcome() == TftpTransferReport.Outcome.STARTED) {
                // told to watchers at once, stored only when the transfer ends (with its outcome)
                requestEvents.fire(new BootFileRequested(r.started(), r.client().getAddress().getHostAddress(),
                        r.filename()));
            } else {
                reports.add(r);
            }
        }
        if (reports.isEmpty()) {
            return;
        }
        String[] ips = new String[reports.size()];
        for (int i = 0; i < reports.size(); i++) {
            ips[i] = reports.get(i).client().getAddress().getHostAddress();
        }
        Map<String, String> macs = leases.macsOf(Arrays.asList(ips));
        try (Connection c = database.getConnection(); PreparedStatement insert = c.prepareStatement(INSERT)) {
            for (int i = 0; i < reports.size(); i++) {
                TftpTransferReport r = reports.get(i);
                row(insert, r.started(), "tftp", r.outcome().name(), macs.get(ips[i]), null, ips[i], null,
                        r.filename(), r.bytes(), r.duration().toMillis(), r.blockSize(), r.windowSize(), r.detail());
            }
            if (!reports.isEmpty()) {
                insert.executeBatch();
            }
            prune(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record TFTP transfers: " + e.getMessage(), e);
        }
        for (int i = 0; i < reports.size(); i++) {
            TftpTransferReport r = reports.get(i);
            transferEvents.fire(new BootFileTransferred(r.started().plus(r.duration()),
                    ips[i], macs.get(ips[i]), r.filename(), r.bytes(),
                    r.duration().toMillis(), r.blockSize(), r.windowSize(), r.outcome().name(), r.detail()));
        }
    }

    @SerializedWrite
    @Transactional
    public void rogue(String serverIp, String serverMac, Instant seen) {
        try (Connection c = database.getConnection(); PreparedStatement insert = c.prepareStatement(INSERT)) {
            row(insert, seen, "dhcp", "ROGUE", serverMac, null, serverIp, null, null, null, null, null, null,
                    "another DHCP server answered on the deployment network");
            insert.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record a rogue DHCP server: " + e.getMessage(), e);
        }
        LOG.warning("Another DHCP server answers on the deployment network: " + serverIp
                + (serverMac == null ? "" : " (" + serverMac + ")") + ". Boards may boot from it: find and stop it.");
        rogueEvents.fire(new RogueDhcpServerSeen(seen, serverIp, serverMac));
    }

    private void prune(Connection c) throws SQLException {
        Instant now = clock.instant();
        if (Duration.between(lastPrune, now).toHours() < 1) {
            return;
        }
        lastPrune = now;
        int days = config.get(NetbootSetting.EVENT_RETENTION_DAYS).orElseThrow();
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM netboot_event WHERE at < ?")) {
            delete.setString(1, InstantConverter.format(now.minus(Duration.ofDays(days))));
            delete.executeUpdate();
        }
    }

    private static void row(PreparedStatement insert, Instant at, String protocol, String kind, String mac,
                            String serial, String ip, String clientKind, String file, Long bytes, Long durationMs,
                            Integer blockSize, Integer windowSize, String detail) throws SQLException {
        insert.setString(1, InstantConverter.format(at));
        insert.setString(2, protocol);
        insert.setString(3, kind);
        insert.setString(4, mac);
        insert.setString(5, serial);
        insert.setString(6, ip);
        insert.setString(7, clientKind);
        insert.setString(8, file);
        setLong(insert, 9, bytes);
        setLong(insert, 10, durationMs);
        setLong(insert, 11, blockSize == null ? null : blockSize.longValue());
        setLong(insert, 12, windowSize == null ? null : windowSize.longValue());
        insert.setString(13, detail);
        insert.addBatch();
    }

    private static void setLong(PreparedStatement s, int index, Long value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.INTEGER);
        } else {
            s.setLong(index, value);
        }
    }
}
