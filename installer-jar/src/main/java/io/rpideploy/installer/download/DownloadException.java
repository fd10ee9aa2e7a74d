package io.rpideploy.installer.download;

import io.rpideploy.installer.report.ExitCode;
import java.io.IOException;

/** A download failure that retrying will not fix (HTTP 4xx, changed resource, retry time used up). */
public class DownloadException extends IOException {

    private final ExitCode exitCode;

    public DownloadException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
