package io.rpideploy.netboot.ra;

import io.rpideploy.netboot.api.DhcpListener;
import io.rpideploy.netboot.api.NetbootStatus;
import io.rpideploy.netboot.api.TftpListener;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Logger;
import javax.transaction.xa.XAResource;

/**
 * The netboot resource adapter: a thin shell that runs the DHCP and TFTP engines as {@code Work} on the
 * container's WorkManager, one per activated MDB ({@link DhcpListener}, {@link TftpListener}), and stops them on
 * deactivation and at adapter stop.
 */
@Connector(
        displayName = "rpi-deploy netboot",
        description = "DHCP and TFTP servers that network-boot Raspberry Pi 5 boards",
        vendorName = "rpi-deploy",
        eisType = "netboot",
        version = "0.1",
        transactionSupport = TransactionSupport.TransactionSupportLevel.NoTransaction)
public class NetbootResourceAdapter implements ResourceAdapter {

    private static final Logger LOG = Logger.getLogger(NetbootResourceAdapter.class.getName());

    private final Map<MessageEndpointFactory, Running> running = new ConcurrentHashMap<>();
    private volatile WorkManager workManager;
    private volatile Instant startedAt;
    /** Where the servers read their settings: this process's (tests give their own). */
    private final Function<String, Optional<String>> settings;

    public NetbootResourceAdapter() {
        this(ProcessSettings.system());
    }

    NetbootResourceAdapter(Function<String, Optional<String>> settings) {
        this.settings = settings;
    }

    /** An activation and the endpoints it holds. */
    private record Running(ServerActivation<?> server, Endpoints<?> endpoints) {
    }

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        workManager = context.getWorkManager();
        startedAt = Instant.now();
        NetbootStatus.adapterRunning(startedAt);
        LOG.info("netboot resource adapter started");
    }

    @Override
    public void stop() {
        running.keySet().forEach(this::deactivate);
        startedAt = null;
        NetbootStatus.adapterRunning(null);
        LOG.info("netboot resource adapter stopped");
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        WorkExecutor executor = new WorkExecutor(workManager);
        Running run;
        if (spec instanceof DhcpActivationSpec dhcp) {
            Endpoints<DhcpListener> endpoints = new Endpoints<>(factory, DhcpListener.class);
            run = new Running(new DhcpActivation(endpoints, dhcp, executor, settings), endpoints);
        } else if (spec instanceof TftpActivationSpec tftp) {
            Endpoints<TftpListener> endpoints = new Endpoints<>(factory, TftpListener.class);
            run = new Running(new TftpActivation(endpoints, tftp, executor, settings), endpoints);
        } else {
            throw new NotSupportedException("netboot offers DhcpListener and TftpListener, not " + spec.getClass());
        }
        running.put(factory, run);
        try {
            // the server binds inside its work: a bind failure here would take the application down
            workManager.scheduleWork(run.server(), WorkManager.INDEFINITE, null, null);
        } catch (WorkException e) {
            running.remove(factory);
            throw new ResourceException("cannot start the " + run.server().name + " server: " + e.getMessage(), e);
        }
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        deactivate(factory);
    }

    private void deactivate(MessageEndpointFactory factory) {
        Running run = running.remove(factory);
        if (run != null) {
            run.server().release();
            run.endpoints().releaseAll();
        }
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    /** When the container started this adapter, or null while it is stopped. */
    public Instant startedAt() {
        return startedAt;
    }

    // JCA requires equals/hashCode on a ResourceAdapter bean; identity is right for a singleton adapter.
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
