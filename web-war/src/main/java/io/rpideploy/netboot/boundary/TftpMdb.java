package io.rpideploy.netboot.boundary;

import io.rpideploy.netboot.api.TftpListener;
import io.rpideploy.netboot.control.BootFileRequested;
import io.rpideploy.netboot.control.BootFiles;
import io.rpideploy.netboot.control.NetbootConfig;
import io.rpideploy.netboot.control.NetbootJournal;
import io.rpideploy.netboot.policy.BootFileSource.BootFile;
import io.rpideploy.netboot.policy.NetbootEvents.TftpTransferReport;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** The TFTP server's endpoint in the application: translates, tells watchers of a request, delegates. */
// no resourceAdapter property: the container picks the one adapter offering this listener type, whether the rar
// is deployed beside the war (Payara Micro: "netboot-rar") or inside the EAR (Payara Server: "<ear>#netboot-rar")
@MessageDriven
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class TftpMdb implements TftpListener {

    @Inject
    NetbootConfig config;

    @Inject
    BootFiles files;

    @Inject
    NetbootJournal journal;

    @Inject
    Event<BootFileRequested> requests;

    @Inject
    Clock clock;

    @Override
    public Map<String, String> settings() {
        return config.adapterSettings();
    }

    @Override
    public BootFile open(InetSocketAddress client, String filename) {
        // told to watchers at once, stored only when the transfer ends (with its outcome); fired here, not through
        // the journal: one bean hop less on every request's path
        requests.fire(new BootFileRequested(clock.instant(), client.getAddress().getHostAddress(), filename));
        return files.open(client, filename);
    }

    @Override
    public void transferred(List<TftpTransferReport> reports) {
        journal.tftp(reports);
    }
}
