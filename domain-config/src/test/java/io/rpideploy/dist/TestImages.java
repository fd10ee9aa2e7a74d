package io.rpideploy.dist;

import java.util.Random;

/** Image files for the system tests: random content behind an MBR (the server refuses files with no partition table). */
final class TestImages {

    private TestImages() {
    }

    static byte[] disk(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        java.util.Arrays.fill(data, 446, 510, (byte) 0);
        data[446 + 4] = 0x0c; // FAT32 (LBA) boot
        data[446 + 16 + 4] = (byte) 0x83; // Linux root
        data[510] = 0x55;
        data[511] = (byte) 0xaa;
        return data;
    }
}
