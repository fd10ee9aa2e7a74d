package io.rpideploy.sessions.control;

import io.rpideploy.hostnames.control.HostnameRules;
import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.platform.control.DomainException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The session rules as pure functions: what a session may be opened with, and which one a board is imaged for. */
public final class SessionRules {

    /** A session names at most as many boards as a venue has kart numbers. */
    public static final int MAX_COUNT = HostnameRules.MAX_KART;
    /** A pasted list longer than this is not a venue's day. */
    public static final int MAX_SERIALS = 1000;

    private SessionRules() {
    }

    /** An open session as the selection sees it: its serial list is empty when it takes any board. */
    public record Candidate(long id, Product product, String venueCode, List<String> serials) {
    }

    /**
     * The open session a board is imaged for: among the sessions (oldest first) of the product and venue the board
     * asked for (null: any), and that take this board (a session with a serial list takes only those), a session
     * that lists the board comes first (a test image for one board beats the day's session); otherwise the oldest.
     */
    public static Optional<Candidate> select(List<Candidate> openOldestFirst, Product product, String venueCode,
                                             SerialNumber serial) {
        Candidate oldest = null;
        for (Candidate c : openOldestFirst) {
            if ((product != null && c.product() != product) || (venueCode != null && !c.venueCode().equals(venueCode))) {
                continue;
            }
            if (c.serials().isEmpty()) {
                oldest = oldest == null ? c : oldest;
            } else if (serial != null && c.serials().contains(serial.value())) {
                return Optional.of(c);
            }
        }
        return Optional.ofNullable(oldest);
    }

    /** Whether a session with this count (null: until closed) has named enough boards to close. */
    public static boolean countReached(Integer count, long named) {
        return count != null && named >= count;
    }

    /** The count as given: a whole number 1..{@value #MAX_COUNT}, or null for "until closed". */
    public static Integer count(Long given) {
        if (given == null) {
            return null;
        }
        if (given < 1 || given > MAX_COUNT) {
            throw DomainException.invalid("count", "count must be 1.." + MAX_COUNT + " boards, or left out to image"
                    + " until the session is closed");
        }
        return given.intValue();
    }

    /**
     * A pasted list of serial numbers (one per line, or separated by commas, semicolons or spaces; a first item
     * that starts with "serial" is a CSV header), normalised, duplicates dropped.
     */
    public static List<String> serials(List<String> items) {
        Set<String> found = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i) == null ? "" : items.get(i).trim();
            if (item.isEmpty() || (i == 0 && item.toLowerCase(Locale.ROOT).startsWith("serial"))) {
                continue;
            }
            SerialNumber serial;
            try {
                serial = HostnameRules.serial(item, "serials");
            } catch (DomainException e) {
                throw DomainException.invalid("serials", "Item " + (i + 1) + ": " + e.getMessage());
            }
            found.add(serial.value());
            if (found.size() > MAX_SERIALS) {
                throw DomainException.invalid("serials", "At most " + MAX_SERIALS + " serial numbers per session");
            }
        }
        return new ArrayList<>(found);
    }

    /** Splits pasted text into items for {@link #serials(List)}. */
    public static List<String> split(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return List.of(text.trim().split("[\\s,;]+"));
    }
}
