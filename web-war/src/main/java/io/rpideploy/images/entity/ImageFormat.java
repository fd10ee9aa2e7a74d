package io.rpideploy.images.entity;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How a master image file is stored; the Pi's installer decompresses while it writes. */
public enum ImageFormat {
    IMG(".img"), GZ(".img.gz"), XZ(".img.xz"), ZST(".img.zst");

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
