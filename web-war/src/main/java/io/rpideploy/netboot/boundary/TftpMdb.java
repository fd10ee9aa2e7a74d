package io.rpideploy.netboot.boundary;

import io.rpideploy.netboot.api.TftpListener;
import io.rpideploy.netboot.control.BootFiles;
import io.rpideploy.netboot.control.NetbootJournal;
import io.rpideploy.netboot.api.BootFile;
import io.rpideploy.netboot.api.BootRequest;
import io.rpideploy.netboot.api.TftpTransferReport;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.List;

/**
 * The TFTP server's endpoint in the application: asked only for names the boot tree does not hold (what the server
 * generates), told of transfers in batches; translates and delegates.
 */
// no resourceAdapter property: the container picks the one adapter offering this listener type, whether the rar
// is deployed beside the war (Payara Micro: "netboot-rar") or inside the EAR (Payara Server: "<ear>#netboot-rar")
@MessageDriven
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class TftpMdb implements TftpListener {

    @Inject
    BootFiles files;

    @Inject
    NetbootJournal journal;

    @Override
    public BootFile open(BootRequest request) {
        return files.open(request);
    }

    @Override
    public void transferred(List<TftpTransferReport> reports) {
        journal.tftp(reports);
    }
}
