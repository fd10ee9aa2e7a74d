package io.rpideploy.ops.doctor;

/** A check's verdict; the worst one gives {@code rpideploy doctor}'s exit code. */
public enum Status {
    OK(0), WARN(1), FAIL(2);

    private final int exitCode;

    Status(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public Status worst(Status other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
