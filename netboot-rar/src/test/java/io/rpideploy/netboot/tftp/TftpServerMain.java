package io.rpideploy.netboot.tftp;

import io.rpideploy.netboot.api.DhcpExchange;
import io.rpideploy.netboot.api.TftpTransferReport;

import io.rpideploy.netboot.policy.BootFileSource;
import io.rpideploy.netboot.policy.NetbootEvents;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

/**
 * Our TFTP engine alone in a JVM of its own, for the TFTP benchmark: the references run as processes of their own,
 * and in the benchmark's JVM our server would share its garbage collector, JIT compiler and safepoints with the
 * clients. Arguments: address, port, boot root, and optionally selector loops and lanes (default: as in
 * production, from the core count). Serves until the process is stopped.
 */
public final class TftpServerMain {

    /** Events nobody looks at (a benchmark's server). */
    public static final NetbootEvents IGNORED = new NetbootEvents() {
        @Override
        public void dhcp(DhcpExchange exchange) {
        }

        @Override
        public void tftp(TftpTransferReport report) {
        }

        @Override
        public void rogueDhcpServer(Inet4Address server, String serverMac, Instant seen) {
        }
    };

    private TftpServerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 && args.length != 5) {
            System.err.println("usage: TftpServerMain <address> <port> <boot root> [<loops> <lanes>]");
            System.exit(2);
        }
        Path root = Path.of(args[2]);
        TftpSettings settings = TftpSettings.defaults(new InetSocketAddress(InetAddress.getByName(args[0]),
                Integer.parseInt(args[1])), root);
        TftpServer server = args.length == 5
                ? new TftpServer(settings, BootFileSource.NONE, IGNORED, Clock.systemUTC(),
                        Integer.parseInt(args[3]), Integer.parseInt(args[4]))
                : new TftpServer(settings, BootFileSource.NONE, IGNORED, Clock.systemUTC());
        server.open();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("serving on " + server.localAddress());
        server.run();
    }
}
