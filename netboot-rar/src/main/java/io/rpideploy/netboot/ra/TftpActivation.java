package io.rpideploy.netboot.ra;

import io.rpideploy.netboot.api.TftpTransferReport;

import io.rpideploy.netboot.api.NetbootSetting;
import io.rpideploy.netboot.api.TftpListener;
import io.rpideploy.netboot.policy.BootFileSource;
import io.rpideploy.netboot.policy.NetbootEvents;
import io.rpideploy.netboot.tftp.TftpServer;
import io.rpideploy.netboot.tftp.TftpSettings;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/** The TFTP server of one activation: files from the application's MDB, transfers reported back in batches. */
final class TftpActivation extends ServerActivation<TftpListener> {

    TftpActivation(Endpoints<TftpListener> endpoints, TftpActivationSpec spec, WorkExecutor executor,
                   Function<String, Optional<String>> source) {
        super("tftp", endpoints, spec, executor, source);
    }

    @Override
    protected boolean enabled(Settings settings) {
        return settings.tftpEnabled();
    }

    @Override
    protected String disabledReason() {
        return "none of " + NetbootSetting.INTERFACE + ", " + NetbootSetting.SERVER_IP + " or "
                + NetbootSetting.TFTP_ADDRESS + " set";
    }

    @Override
    protected Engine open(Settings settings) throws IOException {
        TftpSettings s = settings.tftp();
        EventRelay<TftpTransferReport> relay = new EventRelay<>("TFTP",
                batch -> endpoints.current().transferred(batch), endpoints::releaseCurrent);
        BootFileSource files = request -> endpoints.current().open(request);
        NetbootEvents events = new Events() {
            @Override
            public void tftp(TftpTransferReport report) {
                relay.offer(report);
            }
        };
        TftpServer server = new TftpServer(s, files, events, Clock.systemUTC(), executor);
        server.open();
        executor.execute(relay);
        return Engine.of(server::run, server::close, relay, "listening on "
                + s.bind().getAddress().getHostAddress() + ":" + s.bind().getPort() + ", boot root " + s.bootRoot());
    }
}
