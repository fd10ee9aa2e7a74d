package io.rpideploy.netboot.ra;

import io.rpideploy.netboot.api.NetbootStatus;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.time.Instant;
import java.util.logging.Logger;
import javax.transaction.xa.XAResource;

/**
 * The netboot resource adapter's lifecycle shell. The DHCP and TFTP engines are started from here as
 * {@code Work} once their endpoints are activated; until then the adapter only reports that it is up.
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

    private volatile Instant startedAt;

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        startedAt = Instant.now();
        NetbootStatus.adapterRunning(startedAt);
        LOG.info("netboot resource adapter started");
    }

    @Override
    public void stop() {
        startedAt = null;
        NetbootStatus.adapterRunning(null);
        LOG.info("netboot resource adapter stopped");
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        throw new jakarta.resource.NotSupportedException("no inbound listener types are offered yet");
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        // nothing was activated
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
