package io.rpideploy.rollout.control;

import java.util.Locale;

/** Where one kart (one hostname of the pool) stands in a venue's rollout. */
public enum KartState {
    /** No board holding the name has been imaged under it (never, or the name was released or moved). */
    NOT_IMAGED("not imaged"),
    /** A board is imaging under the name now. */
    IMAGING("imaging"),
    /** The board holding the name finished its latest run. */
    DONE("done"),
    /** The latest run of the board holding the name failed or was interrupted. */
    FAILED("failed"),
    /** The name is out of service; not counted among the venue's karts. */
    RETIRED("retired");

    private final String label;

    KartState(String label) {
        this.label = label;
    }

    /** The words the console shows. */
    public String label() {
        return label;
    }

    /** The spelling in the API and in CSS classes ({@code not_imaged}). */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
