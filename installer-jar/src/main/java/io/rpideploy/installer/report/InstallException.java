package io.rpideploy.installer.report;

/** A failure with its cause class: the message goes to the console and to the {@code failed} status. */
public class InstallException extends Exception {

    private final ExitCode exitCode;

    public InstallException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public InstallException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
