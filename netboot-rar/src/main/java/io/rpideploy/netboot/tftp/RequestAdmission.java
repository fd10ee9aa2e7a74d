package io.rpideploy.netboot.tftp;

import io.rpideploy.netboot.api.BootFile;
import io.rpideploy.netboot.api.BootRequest;
import io.rpideploy.netboot.api.TftpError;
import io.rpideploy.netboot.policy.BootFileSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether a datagram on the listening port starts a transfer, and of which bytes: the request's opcode and mode,
 * the server's limits, the name's safety, the lookup (boot tree, then the application) and the options granted.
 * Every refusal is a TFTP error with its code. Only the first selector loop asks, one request at a time.
 * <p>
 * Write requests are refused with error 2 (access violation: the boot tree is read-only, and that is what a
 * read-only tftp-hpa answers). Mode "netascii" is served byte for byte like "octet": boot files are binary and no
 * boot client asks for netascii; any other mode is error 4.
 */
final class RequestAdmission {

    private static final Logger LOG = Logger.getLogger(TftpServer.class.getName());

    /** What becomes of a request. */
    sealed interface Outcome permits Ignored, Answered, Refused, Admitted {
    }

    /** Nothing to send: a repeated request of a transfer being served, or an ERROR (never answered). */
    record Ignored() implements Outcome {
    }

    /** Not a request: an error goes back, and no transfer is reported (there was none asked for). */
    record Answered(int code, String message) implements Outcome {
    }

    /** A request refused: the error goes back and the refusal is reported. */
    record Refused(String name, int code, String message) implements Outcome {
    }

    /** A transfer to start. */
    record Admitted(String name, TftpTransfer.Content content, TftpOptions options) implements Outcome {
    }

    private static final Ignored IGNORED = new Ignored();

    private final TftpSettings settings;
    private final BootFileSource files;
    private final BootTree tree;
    private final List<Path> roots = new ArrayList<>(2);
    /** Small files served from memory while unchanged (only the listener's loop asks). */
    private final SmallFiles smallFiles = new SmallFiles();
    /** The roots' real paths, resolved once they exist: one path walk less per request. */
    private volatile List<Path> realRoots = List.of();
    private final Map<SocketAddress, TransferSession> clients;
    private final AtomicInteger active;
    private final MalformedLog malformedLog;

    RequestAdmission(TftpSettings settings, BootFileSource files, Map<SocketAddress, TransferSession> clients,
                     AtomicInteger active, MalformedLog malformedLog) {
        this.settings = settings;
        this.files = files;
        this.clients = clients;
        this.active = active;
        this.malformedLog = malformedLog;
        this.tree = new BootTree(settings.bootRoot());
        roots.add(settings.bootRoot());
        roots.addAll(settings.generatedRoots());
    }

    Outcome admit(InetSocketAddress client, ByteBuffer packet) {
        TftpPacket decoded;
        try {
            decoded = TftpPacket.decode(packet);
        } catch (MalformedPacketException e) {
            malformedLog.log(client, e.getMessage());
            return new Answered(TftpError.ILLEGAL_OPERATION.code(), "illegal TFTP operation: " + e.getMessage());
        }
        if (!(decoded instanceof TftpPacket.Request request)) {
            // RFC 1350 section 7: an ERROR is never answered; anything else here is not a request
            if (decoded instanceof TftpPacket.Error) {
                return IGNORED;
            }
            malformedLog.log(client, "not a request on the listening port: " + decoded);
            return new Answered(TftpError.ILLEGAL_OPERATION.code(), "illegal TFTP operation");
        }
        String name = request.filename();
        if (request.write()) {
            return new Refused(name, TftpError.ACCESS_VIOLATION.code(), "read-only server: write refused");
        }
        if (!request.mode().equals("octet") && !request.mode().equals("netascii")) {
            return new Refused(name, TftpError.ILLEGAL_OPERATION.code(), "unsupported mode " + request.mode());
        }
        if (clients.containsKey(client)) {
            // the same client port asking again: its first request is being served, whose own retransmissions
            // answer this one
            return IGNORED;
        }
        if (active.get() >= settings.maxTransfers()) {
            return new Refused(name, TftpError.NOT_DEFINED.code(), "server busy");
        }
        String unsafe = RequestNames.unsafe(RequestNames.inTree(name));
        if (unsafe != null) {
            return new Refused(name, TftpError.ACCESS_VIOLATION.code(), "access violation: " + unsafe);
        }
        TftpTransfer.Content content;
        try {
            content = content(client, RequestNames.inTree(name));
        } catch (Refusal r) {
            return new Refused(name, r.code, r.getMessage());
        }
        return new Admitted(name, content, TftpOptions.negotiate(request.options(), settings, content.size()));
    }

    /**
     * The boot tree first (per-board folder, then shared: an operator's file always wins), then the application for
     * what it generates. An on-disk answer of the application is checked again: a regular file whose real path lies
     * under one of the engine's roots, opened by that real path without following a link.
     */
    private TftpTransfer.Content content(InetSocketAddress client, String name) throws Refusal {
        BootRequest request = BootRequest.parse(client, name);
        RequestNames.Lookup found = tree.find(request);
        if (found instanceof RequestNames.Outside) {
            throw new Refusal(TftpError.ACCESS_VIOLATION.code(), "access violation: outside the boot tree");
        }
        RequestNames.Confined served = found instanceof RequestNames.Confined confined ? confined : null;
        if (served == null) {
            BootFile answer;
            try {
                answer = files.open(request);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "TFTP boot file source failed for " + name, e);
                throw new Refusal(TftpError.NOT_DEFINED.code(), "internal error");
            }
            if (answer == null) {
                throw new Refusal(TftpError.FILE_NOT_FOUND.code(), "file not found");
            }
            if (answer instanceof BootFile.Refused refused) {
                throw new Refusal(refused.error().code(), refused.message() == null ? "refused" : refused.message());
            }
            if (answer instanceof BootFile.Generated generated) {
                return TftpTransfer.Content.of(generated.content().clone());
            }
            Path path = ((BootFile.OnDisk) answer).path();
            for (Path root : realRoots()) {
                if ((served = RequestNames.confinedReal(path, root)) != null) {
                    break;
                }
            }
            if (served == null) {
                throw new Refusal(TftpError.ACCESS_VIOLATION.code(), "access violation: outside the boot tree");
            }
        }
        try {
            return smallFiles.open(served.real(), served.attributes());
        } catch (NoSuchFileException e) {
            throw new Refusal(TftpError.FILE_NOT_FOUND.code(), "file not found");
        } catch (AccessDeniedException e) {
            throw new Refusal(TftpError.ACCESS_VIOLATION.code(), "access violation");
        } catch (IOException e) {
            throw new Refusal(TftpError.NOT_DEFINED.code(), "cannot read file");
        }
    }

    /** The roots' real paths; a root that does not exist yet (created after the server started) is tried again. */
    private List<Path> realRoots() {
        List<Path> known = realRoots;
        if (known.size() == roots.size()) {
            return known;
        }
        List<Path> resolved = new ArrayList<>(roots.size());
        for (Path root : roots) {
            try {
                resolved.add(root.toRealPath());
            } catch (IOException missing) {
                // not there yet: serve from the roots that exist, resolve again next time
            }
        }
        if (resolved.size() == roots.size()) {
            realRoots = List.copyOf(resolved);
        }
        return resolved;
    }

    /** A lookup or policy answer that ends the request with a TFTP error. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        Refusal(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
