package io.rpideploy.images.entity;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How a master image file is stored. Our installer decompresses while it writes and says so; any other client (the
 * plan's installer writes what it receives) gets the raw image of a compressed one.
 */
public enum ImageFormat {
    IMG(".img"), GZ(".img.gz"), XZ(".img.xz"), ZST(".img.zst");

    /** Request header of a client that decompresses: the formats it reads, e.g. {@code gz, xz, zst}. */
    public static final String DECOMPRESSES_HEADER = "X-RpiDeploy-Decompresses";

    private final String extension;

    ImageFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean compressed() {
        return this != IMG;
    }

    /**
     * Whether a client sending {@code header} ({@link #DECOMPRESSES_HEADER}, null when absent) receives this format
     * as stored: a raw image always, a compressed one only if the client names the format.
     */
    public boolean servedAsStoredTo(String header) {
        if (!compressed()) {
            return true;
        }
        if (header == null) {
            return false;
        }
        return Arrays.stream(header.split(",", 16)).map(t -> t.strip().toLowerCase(Locale.ROOT))
                .anyMatch(label()::equals);
    }

    /** The name a raw copy is offered under: the stored name without its compression suffix. */
    public String rawName(String filename) {
        return compressed() && filename.toLowerCase(Locale.ROOT).endsWith(extension)
                ? filename.substring(0, filename.length() - extension.length()) + IMG.extension : filename;
    }

    /** The format a file name announces by its extension (case-insensitive), the longest match first. */
    public static Optional<ImageFormat> of(String filename) {
        String lower = filename.toLowerCase(Locale.ROOT);
        return Arrays.stream(new ImageFormat[] {GZ, XZ, ZST, IMG}).filter(f -> lower.endsWith(f.extension))
                .findFirst();
    }

    @Converter(autoApply = true)
    public static class DbConverter implements AttributeConverter<ImageFormat, String> {
        @Override
        public String convertToDatabaseColumn(ImageFormat format) {
            return format == null ? null : format.label();
        }

        @Override
        public ImageFormat convertToEntityAttribute(String text) {
            return text == null ? null : ImageFormat.valueOf(text.toUpperCase(Locale.ROOT));
        }
    }
}
