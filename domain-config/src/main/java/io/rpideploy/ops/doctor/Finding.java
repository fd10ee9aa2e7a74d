package io.rpideploy.ops.doctor;

import java.util.Objects;

/**
 * One line of the doctor's report: which check, its verdict, what it saw, and (when not OK) what to do about it.
 *
 * @param check short name, e.g. {@code database integrity}
 * @param hint how to fix it; null when there is nothing to do
 */
public record Finding(String check, Status status, String message, String hint) {

    public Finding {
        Objects.requireNonNull(check);
        Objects.requireNonNull(status);
        Objects.requireNonNull(message);
    }

    public static Finding ok(String check, String message) {
        return new Finding(check, Status.OK, message, null);
    }

    public static Finding warn(String check, String message, String hint) {
        return new Finding(check, Status.WARN, message, hint);
    }

    public static Finding fail(String check, String message, String hint) {
        return new Finding(check, Status.FAIL, message, hint);
    }

    /** A check that depends on something already reported as broken (e.g. the server not answering). */
    public static Finding notChecked(String check, String why) {
        return new Finding(check, Status.WARN, "not checked: " + why, null);
    }
}
