package io.rpideploy.installer.customize;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** The four primary entries of an MBR (the Raspberry Pi OS layout: FAT boot, ext4 root). */
public record PartitionTable(List<Entry> entries) {

    /** One primary partition: type byte and byte range. */
    public record Entry(int number, int type, long start, long size) {
        public boolean fat() {
            return type == 0x01 || type == 0x04 || type == 0x06 || type == 0x0b || type == 0x0c || type == 0x0e;
        }

        public boolean linux() {
            return type == 0x83;
        }
    }

    /** Parses the first sector; IllegalArgumentException when it is no MBR or a GPT protective one. */
    public static PartitionTable parse(byte[] firstBytes) {
        if (firstBytes.length < 512 || (firstBytes[510] & 0xff) != 0x55 || (firstBytes[511] & 0xff) != 0xaa) {
            throw new IllegalArgumentException("the image has no MBR partition table (no 55AA signature)");
        }
        ByteBuffer b = ByteBuffer.wrap(firstBytes, 0, 512).order(ByteOrder.LITTLE_ENDIAN);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int at = 446 + 16 * i;
            int type = b.get(at + 4) & 0xff;
            long lba = b.getInt(at + 8) & 0xffffffffL;
            long sectors = b.getInt(at + 12) & 0xffffffffL;
            if (type == 0xee) {
                throw new IllegalArgumentException("GPT images are not supported (protective MBR)");
            }
            if (type != 0 && sectors > 0) {
                entries.add(new Entry(i + 1, type, lba * 512, sectors * 512));
            }
        }
        return new PartitionTable(List.copyOf(entries));
    }

    public Entry boot() {
        return entries.stream().filter(Entry::fat).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no FAT boot partition in the image"));
    }

    public Entry root() {
        return entries.stream().filter(Entry::linux).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Linux root partition in the image"));
    }

    /** The lowest partition start (bytes). */
    public long firstStart() {
        return entries.stream().mapToLong(Entry::start).min().orElse(Long.MAX_VALUE);
    }
}
