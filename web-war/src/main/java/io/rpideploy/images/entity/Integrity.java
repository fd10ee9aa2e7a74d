package io.rpideploy.images.entity;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Locale;

/** What the server last found of an image's file against its registered size and SHA-256. */
public enum Integrity {
    /** As registered (hashed at registration or at the last verification, untouched since). */
    OK,
    /** Its modification time or size differs from the last hash: not served until it is verified again. */
    CHANGED,
    /** Hashed again and different from what was registered, or gone: never served. */
    CORRUPT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Converter(autoApply = true)
    public static class DbConverter implements AttributeConverter<Integrity, String> {
        @Override
        public String convertToDatabaseColumn(Integrity integrity) {
            return integrity == null ? null : integrity.label();
        }

        @Override
        public Integrity convertToEntityAttribute(String text) {
            return text == null ? null : Integrity.valueOf(text.toUpperCase(Locale.ROOT));
        }
    }
}
