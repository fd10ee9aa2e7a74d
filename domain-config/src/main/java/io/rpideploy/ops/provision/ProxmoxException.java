package io.rpideploy.ops.provision;

import java.io.IOException;

/** A Proxmox call that failed: what was asked, the HTTP status (0: none, or a task) and Proxmox's own words. */
public final class ProxmoxException extends IOException {

    private static final long serialVersionUID = 1L;
    private final int status;

    public ProxmoxException(String method, String path, int status, String message) {
        super(method + " " + path + (status > 0 ? ": HTTP " + status : "") + ": " + message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
