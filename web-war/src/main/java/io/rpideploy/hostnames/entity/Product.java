package io.rpideploy.hostnames.entity;

import java.util.Arrays;
import java.util.Optional;

/** The two recorder products, each with its own naming scheme (plan, Phase 6). */
public enum Product {
    /** KartXPro: {@code KXP2-<VENUE>-<NNN>}, from the venue's kart-number pool. */
    KXP2,
    /** RaceXPro: {@code RXP2-<VENUE>-<last 8 characters of the board serial>}. */
    RXP2;

    /** Case-insensitive lookup; empty for anything else. */
    public static Optional<Product> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String wanted = text.trim();
        return Arrays.stream(values()).filter(p -> p.name().equalsIgnoreCase(wanted)).findFirst();
    }
}
