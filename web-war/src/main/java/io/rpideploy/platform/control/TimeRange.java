package io.rpideploy.platform.control;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * A {@code from}/{@code to} filter as the API and console take it: days in the server's time zone (both included)
 * or exact instants. {@code to} is held exclusive; either end may be open (null).
 */
public record TimeRange(Instant from, Instant to) {

    /** Parses the two ends (blank: open); 400 naming the field for a bad value or a {@code to} before {@code from}. */
    public static TimeRange of(String fromText, String toText) {
        Instant from = present(fromText) ? instant(fromText, "from", false) : null;
        Instant to = present(toText) ? instant(toText, "to", true) : null;
        if (from != null && to != null && !from.isBefore(to)) {
            throw DomainException.invalid("to", "'to' is before 'from'");
        }
        return new TimeRange(from, to);
    }

    private static boolean present(String text) {
        return text != null && !text.isBlank();
    }

    /** A day (its start; for {@code to} the next day's start, so the day is included) or an exact instant. */
    private static Instant instant(String text, String field, boolean endOfDay) {
        String value = text.trim();
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneId.systemDefault()).toInstant();
            }
            Instant instant = Instant.parse(value);
            return endOfDay ? instant.plusMillis(1) : instant;
        } catch (DateTimeParseException e) {
            throw DomainException.invalid(field, "'" + field + "' must be a date like 2025-11-25 or an instant like"
                    + " 2025-11-25T18:00:00Z");
        }
    }
}
