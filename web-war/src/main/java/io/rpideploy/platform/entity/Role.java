package io.rpideploy.platform.entity;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Console and API roles. Each role includes the ones below it, so a check names the least role that may act:
 * viewer reads, operator also changes venues, pools and deployments, admin also manages users.
 */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    public static final String VIEWER_NAME = "viewer";
    public static final String OPERATOR_NAME = "operator";
    public static final String ADMIN_NAME = "admin";

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The container groups a user of this role belongs to: this role and every role below it. */
    public Set<String> groups() {
        return switch (this) {
            case VIEWER -> Set.of(VIEWER_NAME);
            case OPERATOR -> Set.of(VIEWER_NAME, OPERATOR_NAME);
            case ADMIN -> Set.of(VIEWER_NAME, OPERATOR_NAME, ADMIN_NAME);
        };
    }

    public static Optional<Role> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(r -> r.label().equalsIgnoreCase(text.trim())).findFirst();
    }

    @Converter(autoApply = true)
    public static class DbConverter implements AttributeConverter<Role, String> {
        @Override
        public String convertToDatabaseColumn(Role role) {
            return role == null ? null : role.label();
        }

        @Override
        public Role convertToEntityAttribute(String text) {
            return text == null ? null : Role.valueOf(text.toUpperCase(Locale.ROOT));
        }
    }
}
