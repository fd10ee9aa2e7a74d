package io.rpideploy.netboot.boundary;

import io.rpideploy.devices.entity.Device;
import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.netboot.api.NetbootStatus;
import io.rpideploy.netboot.control.NetbootService;
import io.rpideploy.netboot.entity.Lease;
import io.rpideploy.netboot.entity.NetbootEvent;
import io.rpideploy.platform.boundary.ConsoleMessages;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.PostConstruct;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import io.rpideploy.bootenv.control.BootEnvironment;
import io.rpideploy.bootenv.control.BootEnvironments;
import io.rpideploy.hostnames.entity.Product;
import jakarta.faces.application.FacesMessage;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The console's Network page: the DHCP and TFTP servers' state, the leases, recent network-boot activity (redrawn
 * when the live connection reports some), and re-imaging a finished board.
 */
@Named
@ViewScoped
public class NetworkView implements Serializable {

    private static final long serialVersionUID = 1L;
    static final int ROWS = 200;
    private static final String FORM = "reimageForm";
    private static final Map<String, String> INPUTS = Map.of("serial_number", "board", "mac_address", "board");

    /** One server's state as the page shows it. */
    public record Server(String name, String state, String detail, Instant since) implements Serializable {
    }

    @Inject
    NetbootService netboot;

    @Inject
    BootEnvironments environments;

    private List<BootEnvironment> bootEnvironments;

    private List<Server> servers;
    private List<Lease> leases;
    private List<NetbootEvent> events;
    private String board;

    @PostConstruct
    public void load() {
        servers = new ArrayList<>();
        NetbootStatus.engines().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> servers.add(
                new Server(e.getKey().toUpperCase(), e.getValue().state().label(), e.getValue().detail(),
                        e.getValue().since())));
        leases = netboot.leases(ROWS);
        events = netboot.recentEvents(ROWS);
        bootEnvironments = environments.all();
    }

    /** Builds every product's boot environment again from its active image (operator; audited). */
    public void rebuildBootEnvironments() {
        FacesContext faces = FacesContext.getCurrentInstance();
        if (!isOperator()) {
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, "Only an operator may rebuild", null));
            return;
        }
        List<Product> started = environments.rebuildAll();
        faces.addMessage(null, new FacesMessage(started.isEmpty() ? FacesMessage.SEVERITY_WARN
                : FacesMessage.SEVERITY_INFO, started.isEmpty() ? "No product has an active image to build from"
                : "Rebuilding " + started + " from the active images; this takes a minute or more (reload to see it)",
                null));
        load();
    }

    public List<BootEnvironment> getBootEnvironments() { return bootEnvironments; }

    public boolean isOperator() {
        return FacesContext.getCurrentInstance().getExternalContext().isUserInRole(Role.OPERATOR_NAME);
    }

    /** Re-image the board given by serial number or MAC address at its next network boot. */
    public void reimage() {
        if (!isOperator()) {
            ConsoleMessages.refuse(null, "Your role may not re-image boards; it needs operator");
            return;
        }
        try {
            String text = board == null ? "" : board.trim();
            if (text.isEmpty()) {
                throw DomainException.invalid("serial_number", "Give the board's serial number or MAC address");
            }
            boolean mac = text.contains(":") || text.contains("-");
            Device d = netboot.requestReimage(mac ? null : HostnameRules.serial(text, "serial_number"),
                    mac ? HostnameRules.mac(text, "mac_address") : null);
            ConsoleMessages.info("Board " + (d.getCurrentHostname() != null ? d.getCurrentHostname() + " (" + text
                    + ")" : text) + " goes into the installer at its next network boot");
            board = null;
            load();
        } catch (DomainException refused) {
            ConsoleMessages.show(FORM, INPUTS, refused);
        }
    }

    public String when(Instant instant) {
        return ConsoleMessages.when(instant);
    }

    public List<Server> getServers() { return servers; }
    public List<Lease> getLeases() { return leases; }
    public List<NetbootEvent> getEvents() { return events; }
    public String getBoard() { return board; }
    public void setBoard(String board) { this.board = board; }
}
