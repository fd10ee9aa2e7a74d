package io.rpideploy.ops.image;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** A disk image's partition table as {@code sfdisk --json} reads it (MBR only: what Raspberry Pi OS cards carry). */
record DiskLayout(String label, long sectorSize, List<Partition> partitions) {

    /** One partition; start and size in sectors, type as sfdisk prints it for MBR ("c", "83"). */
    record Partition(int number, long start, long size, String type) {

        long startByte(long sectorSize) {
            return start * sectorSize;
        }

        long endByte(long sectorSize) {
            return (start + size) * sectorSize;
        }

        boolean fat() {
            return Set.of("1", "4", "6", "b", "c", "e").contains(type);
        }

        boolean extended() {
            return Set.of("5", "f", "85").contains(type);
        }
    }

    static DiskLayout read(Path image) throws IOException {
        Tool t = Tool.run(60, "sfdisk", "--json", image.toString());
        if (t.exit() != 0 || t.stdout().isBlank()) {
            throw new IllegalArgumentException(image + " is not a disk image: it has no partition table"
                    + (t.stderr().isBlank() ? "" : " (sfdisk: " + t.lastLines() + ")"));
        }
        return parse(t.stdout(), image);
    }

    static DiskLayout parse(String json, Path image) {
        JsonObject table;
        try {
            table = Json.createReader(new StringReader(json)).readObject().getJsonObject("partitiontable");
        } catch (JsonException | ClassCastException e) {
            throw new IllegalArgumentException(image + ": sfdisk's answer could not be read: " + e.getMessage());
        }
        String label = table.getString("label", "?");
        if (!label.equals("dos")) {
            throw new IllegalArgumentException(image + " has a " + label.toUpperCase(Locale.ROOT) + " partition table;"
                    + " only MBR (dos) cards, as Raspberry Pi OS writes them, are prepared");
        }
        long sectorSize = table.getJsonNumber("sectorsize") == null ? 512 : table.getJsonNumber("sectorsize")
                .longValue();
        List<Partition> partitions = new ArrayList<>();
        for (JsonValue v : table.getJsonArray("partitions") == null ? List.<JsonValue>of()
                : table.getJsonArray("partitions")) {
            JsonObject p = v.asJsonObject();
            String node = p.getString("node");
            int number = Integer.parseInt(node.replaceAll("^.*?(\\d+)$", "$1"));
            partitions.add(new Partition(number, p.getJsonNumber("start").longValue(),
                    p.getJsonNumber("size").longValue(), p.getString("type").toLowerCase(Locale.ROOT)));
        }
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException(image + " is not a usable disk image: its partition table is empty");
        }
        return new DiskLayout(label, sectorSize, List.copyOf(partitions));
    }

    /** The partition that starts last: the root file system on a Raspberry Pi OS card. */
    Partition last() {
        if (partitions.stream().anyMatch(Partition::extended)) {
            throw new IllegalArgumentException("the card has an extended partition; only primary partitions (the "
                    + "Raspberry Pi OS layout: FAT boot, ext4 root) are prepared");
        }
        return partitions.stream().max(Comparator.comparingLong(Partition::start)).orElseThrow();
    }

    /** The first FAT partition: the boot partition with cmdline.txt. */
    Optional<Partition> boot() {
        return partitions.stream().filter(Partition::fat).min(Comparator.comparingLong(Partition::start));
    }

    long end() {
        return partitions.stream().mapToLong(p -> p.endByte(sectorSize)).max().orElse(0);
    }
}
