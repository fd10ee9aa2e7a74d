package io.rpideploy.netboot.boundary;

import io.rpideploy.devices.entity.Device;
import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.NetbootStatus;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.netboot.control.NetbootService;
import io.rpideploy.netboot.entity.Lease;
import io.rpideploy.netboot.entity.NetbootEvent;
import io.rpideploy.platform.boundary.JsonInput;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/netboot}: the DHCP and TFTP servers' state, leases and recent activity; and
 * {@code POST /api/netboot/reimage} to send a finished board into the installer at its next network boot.
 */
@Path("netboot")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.VIEWER_NAME)
public class NetbootResource {

    static final int MAX = 1000;

    @Inject
    NetbootService netboot;

    @GET
    public Map<String, Object> status() {
        Map<String, Object> servers = new LinkedHashMap<>();
        NetbootStatus.engines().forEach((name, engine) -> servers.put(name,
                new EngineView(engine.state().label(), engine.detail(), engine.since())));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("adapter_started_at", NetbootStatus.adapterStartedAt().orElse(null));
        answer.put("servers", servers);
        return answer;
    }

    @GET
    @Path("leases")
    public Map<String, List<LeaseView>> leases(@QueryParam("limit") @DefaultValue("500") int limit) {
        return Map.of("leases", netboot.leases(checked(limit)).stream().map(LeaseView::of).toList());
    }

    @GET
    @Path("events")
    public Map<String, List<EventView>> events(@QueryParam("limit") @DefaultValue("100") int limit) {
        return Map.of("events", netboot.recentEvents(checked(limit)).stream().map(EventView::of).toList());
    }

    @POST
    @Path("reimage")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.OPERATOR_NAME)
    public Map<String, Object> reimage(JsonValue body) {
        JsonInput in = JsonInput.of(body);
        SerialNumber serial = HostnameRules.serial(in.string("serial_number"), "serial_number");
        MacAddress mac = HostnameRules.mac(in.string("mac_address"), "mac_address");
        if (serial == null && mac == null) {
            throw DomainException.invalid("serial_number", "Give the board's serial_number or mac_address");
        }
        Device d = netboot.requestReimage(serial, mac);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("serial_number", d.getSerialNumber());
        answer.put("mac_address", d.getMacAddress());
        answer.put("hostname", d.getCurrentHostname());
        answer.put("reimage_requested", d.isReimageRequested());
        return answer;
    }

    private static int checked(int limit) {
        if (limit < 1 || limit > MAX) {
            throw DomainException.invalid("limit", "limit must be 1.." + MAX);
        }
        return limit;
    }

    public record EngineView(String state, String detail, Instant since) {
    }

    public record LeaseView(String macAddress, String ipAddress, String state, Instant expiresAt, Instant updatedAt,
                            String clientKind, String piSerial, String hostName) {
        static LeaseView of(Lease l) {
            return new LeaseView(l.getMacAddress(), l.getIpAddress(), l.getState(), l.getExpiresAt(),
                    l.getUpdatedAt(), l.getClientKind(), l.getPiSerial(), l.getHostName());
        }
    }

    public record EventView(long id, Instant at, String protocol, String kind, String macAddress, String piSerial,
                            String ipAddress, String clientKind, String fileName, Long bytes, Long durationMs,
                            Integer blockSize, Integer windowSize, String detail) {
        public static EventView of(NetbootEvent e) {
            return new EventView(e.getId(), e.getAt(), e.getProtocol(), e.getKind(), e.getMacAddress(),
                    e.getPiSerial(), e.getIpAddress(), e.getClientKind(), e.getFileName(), e.getBytes(),
                    e.getDurationMs(), e.getBlockSize(), e.getWindowSize(), e.getDetail());
        }
    }
}
