package io.rpideploy.netboot.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeviceBoundSocketTest {

    @Test
    void unknownInterfaceIsAClearIOException() {
        IOException e = assertThrows(IOException.class,
                () -> DeviceBoundSocket.open("rpdd-nosuch0", 40067, Duration.ofMillis(100)));
        assertTrue(e.getMessage().contains("no such network interface 'rpdd-nosuch0'"), e.getMessage());
    }

    @Test
    void portInUseOnTheSameDeviceWithoutReuseIsAClearIOException() throws Exception {
        try (DatagramSocket plain = new DatagramSocket(new InetSocketAddress(0))) {
            IOException e = assertThrows(IOException.class,
                    () -> DeviceBoundSocket.open("lo", plain.getLocalPort(), Duration.ofMillis(100)));
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        }
    }

    @Test
    void receivesOnItsDeviceReportsTruncationAndWakesUpPromptly() throws Exception {
        try (DeviceBoundSocket s = DeviceBoundSocket.open("lo", 40068, Duration.ofSeconds(5));
             DatagramSocket sender = new DatagramSocket()) {
            byte[] data = new byte[3000];
            Arrays.fill(data, (byte) 7);
            sender.send(new DatagramPacket(data, 40, InetAddress.getLoopbackAddress(), 40068));
            byte[] buf = new byte[2048];
            byte[] from = new byte[16];
            assertEquals(40, s.receive(buf, from));
            assertEquals(sender.getLocalPort(), DeviceBoundSocket.address(from).getPort());
            sender.send(new DatagramPacket(data, 3000, InetAddress.getLoopbackAddress(), 40068));
            assertEquals(3000, s.receive(buf, from), "real length of a truncated datagram");
            s.send(new byte[]{1, 2, 3}, 3, (Inet4Address) InetAddress.getLoopbackAddress(), sender.getLocalPort());
            DatagramPacket back = new DatagramPacket(new byte[10], 10);
            sender.setSoTimeout(2000);
            sender.receive(back);
            assertArrayEquals(new byte[]{1, 2, 3}, Arrays.copyOf(back.getData(), back.getLength()));
            CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.receive(buf, from);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            long t = System.nanoTime();
            s.wakeUp();
            assertEquals(-1, blocked.get(2, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - t < TimeUnit.MILLISECONDS.toNanos(1000), "woken well before the 5 s timeout");
        }
    }
}
