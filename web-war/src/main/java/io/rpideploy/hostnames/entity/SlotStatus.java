package io.rpideploy.hostnames.entity;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Life of a hostname slot: available → assigned → available (release) or retired (never handed out again). */
public enum SlotStatus {
    AVAILABLE, ASSIGNED, RETIRED;

    /** The spelling in the database and the API. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SlotStatus> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(s -> s.label().equalsIgnoreCase(text.trim())).findFirst();
    }

    @Converter(autoApply = true)
    public static class DbConverter implements AttributeConverter<SlotStatus, String> {
        @Override
        public String convertToDatabaseColumn(SlotStatus status) {
            return status == null ? null : status.label();
        }

        @Override
        public SlotStatus convertToEntityAttribute(String text) {
            return text == null ? null : SlotStatus.valueOf(text.toUpperCase(Locale.ROOT));
        }
    }
}
