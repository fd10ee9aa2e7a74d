package io.rpideploy.installer.report;

/** The installer's documented exit codes, one per cause (README-installer.md has the same table). */
public enum ExitCode {
    OK(0, "installed"),
    INTERNAL(1, "unexpected internal error"),
    USAGE(2, "bad command line or kernel command line"),
    SERVER_UNREACHABLE(3, "deployment server unreachable (config retries exhausted)"),
    CONFIG_REFUSED(4, "configuration refused or invalid (HTTP 400/404/409, bad answer)"),
    DEVICE_REFUSED(5, "target device refused (missing, mounted, running system, too small, not writable)"),
    DOWNLOAD_FAILED(6, "image download failed (HTTP error, resume time exhausted, corrupt compressed stream)"),
    CHECKSUM_MISMATCH(7, "downloaded image or bmap range checksum mismatch"),
    VERIFY_FAILED(8, "read-back verification failed"),
    CUSTOMIZE_FAILED(9, "hostname / first-boot customization failed");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
