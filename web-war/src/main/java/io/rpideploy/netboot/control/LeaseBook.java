package io.rpideploy.netboot.control;

import io.rpideploy.netboot.api.ClientKind;
import io.rpideploy.netboot.api.DhcpLease;
import io.rpideploy.platform.control.InstantConverter;
import io.rpideploy.platform.control.SerializedWrite;
import jakarta.annotation.Resource;
import io.rpideploy.deployments.control.AddressLeases;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.NetbootStatus;
import io.rpideploy.netboot.api.ServerState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The DHCP server's leases in the database: one row per client MAC with its latest state. The server acknowledges
 * a lease only after the batch holding it is committed here, so an acknowledged lease survives {@code kill -9}.
 * Batches are written with plain JDBC upserts in one transaction (one statement per lease, reused): at thousands
 * of leases per second an entity merge per lease would cost a query each for nothing.
 */
@ApplicationScoped
public class LeaseBook implements AddressLeases {

    @Resource(lookup = "jdbc/rpideploy")
    DataSource database;

    /** The board holding a current lease on this address (our DHCP's records), for the deployment API's origin check. */
    @Override
    public Optional<MacAddress> holderOf(String ip) {
        try (Connection c = database.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT mac_address FROM dhcp_lease WHERE ip_address = ?"
                     + " AND state = 'bound' AND expires_at > ? ORDER BY updated_at DESC LIMIT 1")) {
            select.setString(1, ip);
            select.setString(2, InstantConverter.format(Instant.now()));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.ofNullable(MacAddress.parse(rows.getString(1))) : Optional.empty();
            }
        } catch (SQLException | RuntimeException unreadable) {
            return Optional.empty(); // no lease known: the address check alone applies
        }
    }

    @Override
    public boolean serving() {
        NetbootStatus.Engine dhcp = NetbootStatus.engines().get("dhcp");
        return dhcp != null && dhcp.state() == ServerState.UP;
    }

    public List<DhcpLease> load() {
        List<DhcpLease> leases = new ArrayList<>();
        try (Connection c = database.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT mac_address, ip_address, state, expires_at,"
                     + " updated_at, client_kind, pi_serial, host_name FROM dhcp_lease");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                leases.add(new DhcpLease(rows.getString(1), ipv4(rows.getString(2)),
                        DhcpLease.State.valueOf(rows.getString(3).toUpperCase(Locale.ROOT)),
                        Instant.parse(rows.getString(4)), Instant.parse(rows.getString(5)),
                        kind(rows.getString(6)), rows.getString(7), rows.getString(8)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the DHCP leases: " + e.getMessage(), e);
        }
        return leases;
    }

    /** Stores the batch in one transaction, in the order given (a later change of the same MAC wins). */
    @SerializedWrite
    @Transactional
    public void save(List<DhcpLease> changes) {
        if (changes.isEmpty()) {
            return;
        }
        try (Connection c = database.getConnection();
             PreparedStatement upsert = c.prepareStatement("INSERT INTO dhcp_lease (mac_address, ip_address,"
                     + " state, expires_at, updated_at, client_kind, pi_serial, host_name)"
                     + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (mac_address) DO UPDATE SET"
                     + " ip_address = excluded.ip_address, state = excluded.state, expires_at = excluded.expires_at,"
                     + " updated_at = excluded.updated_at, client_kind = excluded.client_kind,"
                     + " pi_serial = COALESCE(excluded.pi_serial, pi_serial),"
                     + " host_name = COALESCE(excluded.host_name, host_name)")) {
            for (DhcpLease lease : changes) {
                upsert.setString(1, lease.mac());
                upsert.setString(2, lease.address().getHostAddress());
                upsert.setString(3, lease.state().name().toLowerCase(Locale.ROOT));
                upsert.setString(4, InstantConverter.format(lease.expires()));
                upsert.setString(5, InstantConverter.format(lease.updated()));
                upsert.setString(6, lease.kind() == null ? null : lease.kind().name());
                upsert.setString(7, lease.piSerial());
                upsert.setString(8, lease.hostName());
                upsert.addBatch();
            }
            upsert.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store " + changes.size() + " DHCP leases: " + e.getMessage(), e);
        }
    }

    /**
     * The MAC that holds (or last held) each address: TFTP knows only the client's address. One connection and one
     * statement for a whole batch of transfers, asked once per distinct address (a board fetches many files).
     */
    public Map<String, String> macsOf(Collection<String> ips) {
        Map<String, String> macs = new HashMap<>();
        if (ips.isEmpty()) {
            return macs;
        }
        try (Connection c = database.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT mac_address FROM dhcp_lease WHERE ip_address = ? ORDER BY updated_at DESC LIMIT 1")) {
            for (String ip : new HashSet<>(ips)) {
                select.setString(1, ip);
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        macs.put(ip, rows.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the DHCP leases: " + e.getMessage(), e);
        }
        return macs;
    }

    private static ClientKind kind(String text) {
        return text == null ? null : ClientKind.valueOf(text);
    }

    private static Inet4Address ipv4(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text); // stored literals only: no lookup
        } catch (UnknownHostException | ClassCastException e) {
            throw new IllegalStateException("stored lease address is not IPv4: " + text, e);
        }
    }
}
