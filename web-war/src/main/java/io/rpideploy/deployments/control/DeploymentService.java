package io.rpideploy.deployments.control;

import io.rpideploy.deployments.control.DeploymentRules.Move;
import io.rpideploy.deployments.control.DeploymentTimeline.Reported;
import io.rpideploy.deployments.entity.Deployment;
import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.devices.control.DeviceRegistry;
import io.rpideploy.devices.entity.Device;
import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.hostnames.control.HostnameService;
import io.rpideploy.hostnames.control.HostnameService.Assignment;
import io.rpideploy.hostnames.control.HostnameService.Pin;
import io.rpideploy.deployments.control.SessionPlans.Plan;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.images.control.ImageRegistry;
import io.rpideploy.images.control.ImageIntegrity;
import io.rpideploy.images.entity.MasterImage;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.SerializedWrite;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The deployment API's two questions (plan, Phase 8.1): "what do I install, under which name?" (/api/config) and
 * "this is where I am" (/api/status). Boards have no credentials, so nothing here changes more than the board's
 * deployments and its hostname assignment.
 */
@ApplicationScoped
public class DeploymentService {

    @Inject
    HostnameService hostnames;

    @Inject
    ImageRegistry images;

    @Inject
    DeviceRegistry devices;

    @Inject
    DeploymentTimeline timeline;

    @Inject
    Clock clock;

    @Inject
    Event<DeploymentStarted> started;

    @Inject
    Instance<AddressLeases> leases;

    @Inject
    Instance<SessionPlans> sessions;

    @Inject
    @ConfigProperty(name = "rpideploy.deployment.watchdog-minutes",
            defaultValue = "" + DeploymentRules.DEFAULT_WATCHDOG_MINUTES)
    int watchdogMinutes;

    @Inject
    @ConfigProperty(name = "rpideploy.deployment.default-product")
    Optional<String> defaultProduct;

    @Inject
    @ConfigProperty(name = "rpideploy.deployment.default-venue")
    Optional<String> defaultVenue;

    /**
     * What a board sends to /api/config, checked and normalised; all optional. Without a product or venue the
     * configured default applies; without both serial and MAC the board cannot be recognised (a 400).
     */
    public record ConfigRequest(Product product, String venueCode, SerialNumber serial, MacAddress mac) {
    }

    /**
     * What /api/config decided: the deployment (with its hostname), the image to install, and the report token
     * the board proves its reports with (see {@link ReportOrigin}).
     */
    public record Configured(long deploymentId, String hostname, String productType, String venueCode,
                             String imageFilename, Long imageSize, String imageChecksum, String imageVersion,
                             Long imageUncompressedSize, String imageUncompressedChecksum, Instant at,
                             String reportToken) {
    }

    /**
     * Gives a board its hostname and the active image of its product, and records the run as {@code started}.
     * Checks everything that can fail before the hostname is assigned, so no kart number is used up for a board
     * that cannot be imaged. A run the board opened with {@code starting} is taken over; any other unfinished run
     * of the board is closed as interrupted (a board runs one installer at a time).
     */
    @SerializedWrite
    @Transactional
    public Configured config(ConfigRequest request, String ip) {
        SerialNumber serial = request.serial();
        MacAddress mac = request.mac();
        Product asked = request.product();
        String askedVenue = request.venueCode();
        // a kart number pinned to this board names its venue and product, unless the board asked for others
        Optional<Pin> pin = Optional.ofNullable(serial).flatMap(hostnames::pinOf)
                .filter(p -> (asked == null || asked == p.product()) && (askedVenue == null
                        || askedVenue.equals(p.venueCode())));
        Product wanted = asked != null ? asked : pin.map(Pin::product).orElse(null);
        String wantedVenue = askedVenue != null ? askedVenue : pin.map(Pin::venueCode).orElse(null);
        // a board that says both what and where it is belongs to no session (as before sessions existed)
        Optional<Plan> plan = (asked != null && askedVenue != null) || !sessions.isResolvable() ? Optional.empty()
                : sessions.get().planFor(wanted, wantedVenue, serial);
        Product product = wanted != null ? wanted : plan.map(Plan::product).orElseGet(() -> HostnameRules.product(
                configured(defaultProduct, "product_type", "rpideploy.deployment.default-product"), "product_type"));
        String venue = wantedVenue != null ? wantedVenue : plan.map(Plan::venueCode).orElseGet(() ->
                HostnameRules.venueCode(configured(defaultVenue, "venue_code", "rpideploy.deployment.default-venue"),
                        "venue_code"));
        DeviceRegistry.requireIdentity(serial, mac);
        MasterImage image = plan.isPresent() && plan.get().imageId() != null ? sessionImage(plan.get())
                : images.active(product).orElseThrow(() -> new DomainException(
                DomainException.Kind.NOT_FOUND, "product_type", "No active image for " + product.name()
                + ": upload one and activate it"));
        ImageIntegrity.requireServable(image);

        // where our DHCP serves the network every board holds a lease: an address without one is not a board
        if (leases.isResolvable() && leases.get().serving() && !ReportOrigin.loopback(ip)
                && leases.get().holderOf(ip).isEmpty()) {
            throw new DomainException(DomainException.Kind.FORBIDDEN, null, "Address " + ip + " holds no lease "
                    + "from this server's DHCP: boards get their address from it before they ask for a hostname");
        }
        // a run of this board going on from another address or network card is not interrupted by this request
        Optional<Deployment> elsewhere = ReportOrigin.runningElsewhere(timeline.openOfBoard(serial, mac, null), ip, mac,
                clock.instant(), Duration.ofMinutes(watchdogMinutes));
        if (elsewhere.isPresent()) {
            throw ReportOrigin.busy(elsewhere.get());
        }

        Assignment assignment = hostnames.assign(product, venue, serial, mac,
                "device:" + (serial != null ? serial : mac));
        Long deviceId = devices.find(assignment.serialNumber(), assignment.macAddress()).map(Device::getId)
                .orElse(null);
        String said = "Hostname " + assignment.hostname() + ", image " + image.getFilename() + " version "
                + image.getVersion();

        List<Deployment> open = timeline.openOfBoard(serial, mac, deviceId);
        Deployment d;
        List<Deployment> stale;
        if (!open.isEmpty() && open.get(0).getState() == DeploymentState.STARTING && !open.get(0).isConfigured()) {
            d = open.get(0); // the run the installer opened with "starting" before it asked
            d.configure(deviceId, assignment.hostname(), product, assignment.venueCode(), image.getId(),
                    image.getVersion());
            if (d.getSerialNumber() == null) {
                d.setSerial(serial);
            }
            if (d.getMacAddress() == null) {
                d.setMac(mac);
            }
            d.setIpAddress(ip);
            timeline.enter(d, DeploymentState.STARTED, said, null, DeploymentRules.Figures.NONE, ip, true);
            stale = open.subList(1, open.size());
        } else {
            d = new Deployment(DeploymentState.STARTED, serial, mac, ip, clock.instant());
            d.configure(deviceId, assignment.hostname(), product, assignment.venueCode(), image.getId(),
                    image.getVersion());
            d.setMessage(said);
            timeline.open(d);
            stale = open;
        }
        if (plan.isPresent()) {
            d.setSessionId(plan.get().sessionId());
            sessions.get().named(plan.get().sessionId());
        }
        String token = ReportOrigin.newToken();
        d.setReportTokenHash(ReportOrigin.hash(token));
        timeline.close(stale, "Superseded by deployment " + d.getId() + ": the board asked for its config again");
        started.fire(new DeploymentStarted(d.getId(), d.getHostname(), d.getSerialNumber(), d.getMacAddress(), ip,
                d.getProductType(), d.getVenueCode(), d.getImageVersion(), d.getUpdatedAt()));
        return new Configured(d.getId(), d.getHostname(), d.getProductType(), d.getVenueCode(), image.getFilename(),
                image.getSizeBytes(), image.getChecksum(), image.getVersion(), image.getUncompressedSize(),
                image.getUncompressedChecksum(), d.getUpdatedAt(), token);
    }

    private static String configured(Optional<String> configured, String field, String setting) {
        return configured.filter(v -> !v.isBlank()).orElseThrow(() -> DomainException.invalid(field,
                field + " is required (no imaging session takes this board and no default is configured in "
                + setting + ")"));
    }

    private MasterImage sessionImage(Plan plan) {
        try {
            return images.require(plan.imageId());
        } catch (DomainException gone) {
            throw new DomainException(DomainException.Kind.NOT_FOUND, "image_id", "Image " + plan.imageId()
                    + " of imaging session " + plan.sessionId() + " was deleted: close the session");
        }
    }

    /**
     * Takes a board's report. A progress update (same state) is only read and buffered, so 50 boards reporting
     * every second do not queue on the database's single writer; a state change is a serialized write.
     */
    public Reported report(StatusReport report, String ip) {
        if (report.deploymentId() == null && report.state() == DeploymentState.STARTING
                && (report.serial() != null || report.mac() != null)) {
            return timeline.starting(report, ip, Duration.ofMinutes(watchdogMinutes));
        }
        Optional<MacAddress> leaseHolder = report.reportToken() != null ? Optional.empty() : leaseHolder(ip);
        Deployment d = timeline.match(report);
        ReportOrigin.check(d, report.reportToken(), ip, leaseHolder);
        if (timeline.check(d, report.state()) == Move.REPEAT) {
            return timeline.tick(d, report);
        }
        return timeline.apply(report, ip, leaseHolder);
    }

    private Optional<MacAddress> leaseHolder(String ip) {
        return leases.isResolvable() ? leases.get().holderOf(ip) : Optional.empty();
    }
}
