package io.rpideploy.bench.dhcp;

import io.rpideploy.netboot.api.ClientKind;
import io.rpideploy.netboot.api.DhcpLease;
import io.rpideploy.netboot.policy.LeaseStore;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's {@link LeaseStore} as the application stores leases (web-war {@code LeaseBook}): one SQLite file
 * with the {@code dhcp_lease} table of migration V4, {@code journal_mode=WAL}, {@code synchronous=NORMAL} (a
 * committed batch survives {@code kill -9} of the process; not a power cut), a busy timeout, and per batch one
 * transaction with one prepared upsert per lease, sent as a JDBC batch. The SQL is LeaseBook's, character for
 * character; instants are stored as LeaseBook's InstantConverter writes them.
 */
public final class SqliteLeaseStore implements LeaseStore, AutoCloseable {

    /** web-war/src/main/resources/db/migration/V4__netboot.sql, the dhcp_lease part. */
    static final String SCHEMA = """
            CREATE TABLE dhcp_lease (
                id          INTEGER PRIMARY KEY,
                mac_address TEXT    NOT NULL UNIQUE,
                ip_address  TEXT    NOT NULL,
                state       TEXT    NOT NULL CHECK (state IN ('bound', 'released', 'declined', 'expired')),
                expires_at  TEXT    NOT NULL,
                updated_at  TEXT    NOT NULL,
                client_kind TEXT,
                pi_serial   TEXT,
                host_name   TEXT
            );
            CREATE INDEX dhcp_lease_ip ON dhcp_lease (ip_address);
            """;
    static final String UPSERT = "INSERT INTO dhcp_lease (mac_address, ip_address,"
            + " state, expires_at, updated_at, client_kind, pi_serial, host_name)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (mac_address) DO UPDATE SET"
            + " ip_address = excluded.ip_address, state = excluded.state, expires_at = excluded.expires_at,"
            + " updated_at = excluded.updated_at, client_kind = excluded.client_kind,"
            + " pi_serial = COALESCE(excluded.pi_serial, pi_serial),"
            + " host_name = COALESCE(excluded.host_name, host_name)";
    static final String SELECT_ALL = "SELECT mac_address, ip_address, state, expires_at,"
            + " updated_at, client_kind, pi_serial, host_name FROM dhcp_lease";
    /** The application's default RPIDEPLOY_DB_BUSY_TIMEOUT. */
    static final int BUSY_TIMEOUT_MILLIS = 30000;
    private static final DateTimeFormatter INSTANT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path file;
    private final Connection connection;
    private final PreparedStatement upsert;
    public final AtomicLong saves = new AtomicLong();
    public final AtomicLong leasesSaved = new AtomicLong();
    public final AtomicLong slowestSaveNanos = new AtomicLong();
    public final AtomicLong saveNanos = new AtomicLong();
    /** Saves that took over 50 ms (a WAL checkpoint runs in the commit that crosses 1000 pages: it fsyncs). */
    public final AtomicLong slowSaves = new AtomicLong();

    /** Opens (and, if new, creates) the database file. */
    public SqliteLeaseStore(Path file) throws SQLException {
        this.file = file;
        boolean fresh = !Files.exists(file);
        connection = open(file);
        try {
            if (fresh) {
                try (Statement s = connection.createStatement()) {
                    for (String ddl : SCHEMA.split(";")) {
                        if (!ddl.isBlank()) {
                            s.executeUpdate(ddl);
                        }
                    }
                }
            }
            connection.setAutoCommit(false);
            upsert = connection.prepareStatement(UPSERT);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    /** A new connection with the application's settings; WAL is checked, not assumed. */
    public static Connection open(Path file) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            try (ResultSet r = s.executeQuery("PRAGMA journal_mode = WAL")) {
                if (!r.next() || !"wal".equalsIgnoreCase(r.getString(1))) {
                    throw new SQLException("journal_mode WAL refused for " + file);
                }
            }
            s.execute("PRAGMA synchronous = NORMAL");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    @Override
    public synchronized List<DhcpLease> load() {
        List<DhcpLease> leases = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(SELECT_ALL);
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                leases.add(new DhcpLease(rows.getString(1), ipv4(rows.getString(2)),
                        DhcpLease.State.valueOf(rows.getString(3).toUpperCase(Locale.ROOT)),
                        Instant.parse(rows.getString(4)), Instant.parse(rows.getString(5)),
                        rows.getString(6) == null ? null : ClientKind.valueOf(rows.getString(6)),
                        rows.getString(7), rows.getString(8)));
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the DHCP leases: " + e.getMessage(), e);
        }
        return leases;
    }

    /** One transaction: the batch of upserts, then COMMIT; returns only after the commit. */
    @Override
    public synchronized void save(List<DhcpLease> changes) {
        if (changes.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        try {
            for (DhcpLease lease : changes) {
                upsert.setString(1, lease.mac());
                upsert.setString(2, lease.address().getHostAddress());
                upsert.setString(3, lease.state().name().toLowerCase(Locale.ROOT));
                upsert.setString(4, INSTANT.format(lease.expires()));
                upsert.setString(5, INSTANT.format(lease.updated()));
                upsert.setString(6, lease.kind() == null ? null : lease.kind().name());
                upsert.setString(7, lease.piSerial());
                upsert.setString(8, lease.hostName());
                upsert.addBatch();
            }
            upsert.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            try {
                upsert.clearBatch();
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("cannot store " + changes.size() + " DHCP leases: " + e.getMessage(), e);
        }
        long took = System.nanoTime() - start;
        slowestSaveNanos.accumulateAndGet(took, Math::max);
        saveNanos.addAndGet(took);
        if (took > 50_000_000L) {
            slowSaves.incrementAndGet();
        }
        saves.incrementAndGet();
        leasesSaved.addAndGet(changes.size());
    }

    /** The MACs whose row says 'bound', read through a new connection (only what was committed). */
    public static Set<String> boundMacs(Path file) throws SQLException {
        Set<String> macs = new HashSet<>();
        try (Connection c = open(file);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT mac_address FROM dhcp_lease WHERE state = 'bound'")) {
            while (r.next()) {
                macs.add(r.getString(1));
            }
        }
        return macs;
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() throws SQLException {
        try {
            upsert.close();
        } finally {
            connection.close();
        }
    }

    private static Inet4Address ipv4(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException | ClassCastException e) {
            throw new IllegalStateException("stored lease address is not IPv4: " + text, e);
        }
    }
}
