package io.rpideploy.images.control;

import io.rpideploy.images.entity.ImageFormat;
import io.rpideploy.platform.control.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Whether a file is a disk image at all: a card a board can boot has a partition table in its first sector, an MBR
 * (the signature 0x55AA at byte 510 and at least one partition entry in use) or a GPT (behind its protective MBR,
 * type 0xEE, the header "EFI PART" in the second sector, UEFI 2.10 section 5.3.2). Anything else written to a card
 * would leave a board that does not boot, so it is refused before it is stored or made active.
 */
public final class DiskLayout {

    /** The bytes of the uncompressed content this check reads: the MBR and the GPT header's signature. */
    public static final int HEAD = 1024;
    private static final int SECTOR = 512;
    private static final int ENTRIES = 446;
    private static final int ENTRY = 16;
    private static final int GPT_PROTECTIVE = 0xEE;
    private static final byte[] GPT_SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);

    private DiskLayout() {
    }

    /**
     * Why these first bytes of an image are not a partitioned disk, or null when they are.
     *
     * @param head the first bytes of the uncompressed content (up to {@link #HEAD}); fewer when the image is shorter
     */
    public static String problem(byte[] head) {
        if (head.length < SECTOR) {
            return "The file is not a disk image: it is shorter than one sector (" + head.length + " bytes)";
        }
        if ((head[510] & 0xff) != 0x55 || (head[511] & 0xff) != 0xAA) {
            return "The file is not a disk image: it has no partition table (neither MBR nor GPT)";
        }
        boolean used = false;
        boolean protective = false;
        for (int i = 0; i < 4; i++) {
            int type = head[ENTRIES + i * ENTRY + 4] & 0xff;
            used |= type != 0;
            protective |= type == GPT_PROTECTIVE;
        }
        if (!used) {
            return "The file is not a disk image: its partition table is empty";
        }
        if (protective && (head.length < SECTOR + GPT_SIGNATURE.length
                || !Arrays.equals(head, SECTOR, SECTOR + GPT_SIGNATURE.length, GPT_SIGNATURE, 0,
                GPT_SIGNATURE.length))) {
            return "The file is not a disk image: its MBR announces a GPT but there is no GPT header";
        }
        return null;
    }

    /** Refuses (400 on {@code field}) an image whose first bytes are not a partitioned disk; null head = unknown. */
    public static void require(byte[] head, String field) {
        String problem = head == null ? null : problem(head);
        if (problem != null) {
            throw DomainException.invalid(field, problem);
        }
    }

    /** The first {@link #HEAD} bytes of a stored image's uncompressed content (only what is needed is decoded). */
    public static byte[] head(Path file, ImageFormat format) throws IOException {
        try (InputStream in = ImageDigester.decompressor(Files.newInputStream(file), format)) {
            return in.readNBytes(HEAD);
        }
    }
}
