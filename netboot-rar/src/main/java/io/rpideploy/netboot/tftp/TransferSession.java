package io.rpideploy.netboot.tftp;

import io.rpideploy.netboot.api.TftpError;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One transfer as the server runs it: its own socket (its transfer ID, RFC 1350 section 4), its client, its
 * {@link TftpTransfer} state machine, and the thread serving it now (a {@link SelectorLoop} or a lane of
 * {@link Lanes}), whose send buffer it writes into.
 */
final class TransferSession implements TftpTransfer.Link {

    final DatagramChannel channel;
    final InetSocketAddress client;
    final String filename;
    final Instant started;
    final TftpTransfer transfer;
    /** Its registration with a selector loop (null on a lane). */
    SelectionKey key;
    /** Its server's thread's send buffer (the loop's or the lane's). */
    ByteBuffer buffer;
    /** On a lane: the lane's selector, woken when the server closes. */
    volatile Selector laneSelector;
    /** Set once by whoever ends a lane's transfer (the lane, or the server stopping before a lane took it). */
    final AtomicBoolean ended = new AtomicBoolean();

    TransferSession(DatagramChannel channel, InetSocketAddress client, String filename, Instant started,
                    TftpTransfer transfer) {
        this.channel = channel;
        this.client = client;
        this.filename = filename;
        this.started = started;
        this.transfer = transfer;
    }

    @Override
    public ByteBuffer buffer() {
        return buffer;
    }

    @Override
    public boolean send(ByteBuffer packet) throws IOException {
        return channel.send(packet, client) > 0;
    }

    /**
     * A datagram on the transfer's socket, from a loop or a lane. RFC 1350 section 4: one from an unknown TID gets
     * error 5 and the transfer goes on; a malformed one from the client is logged and dropped (the retransmission
     * timer recovers).
     *
     * @return true when it came from the transfer's client and went to the transfer
     */
    boolean onDatagram(SocketAddress from, ByteBuffer packet, ByteBuffer sendBuffer, Clock clock,
                       MalformedLog malformedLog) throws IOException {
        if (!client.equals(from)) {
            malformedLog.log((InetSocketAddress) from, "unknown transfer ID");
            channel.send(TftpPacket.encodeError(sendBuffer, TftpError.UNKNOWN_TRANSFER_ID.code(),
                    "unknown transfer ID"), from);
            return false;
        }
        TftpPacket decoded;
        try {
            decoded = TftpPacket.decode(packet);
        } catch (MalformedPacketException e) {
            malformedLog.log(client, e.getMessage());
            return false;
        }
        transfer.onPacket(decoded, clock.millis(), this);
        return true;
    }
}
