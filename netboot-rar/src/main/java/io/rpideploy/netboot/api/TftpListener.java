package io.rpideploy.netboot.api;

import io.rpideploy.netboot.policy.BootFileSource.BootFile;
import io.rpideploy.netboot.policy.NetbootEvents.TftpTransferReport;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** The MDB contract of the TFTP server: which bytes a requested name is, and which transfers ended. */
public interface TftpListener {

    /** As {@link DhcpListener#settings()}: {@code rpideploy.netboot.*} overrides of the ActivationSpec. */
    Map<String, String> settings();

    /** The answer for one read request (the engine confines path answers to its boot root again). */
    BootFile open(InetSocketAddress client, String filename);

    /** Transfers that ended since the last call, in order (batched by the adapter, off the packet path). */
    void transferred(List<TftpTransferReport> reports);
}
