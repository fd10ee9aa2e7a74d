package io.rpideploy.alerts.entity;

import java.util.Locale;

/** What an alert is about. */
public enum AlertKind {
    /** A deployment ended {@code failed}. */
    FAILED_BOARD,
    /** Another DHCP server answered on the deployment network. */
    ROGUE_DHCP,
    /** The data or image folder's disk has less free space than {@code rpideploy.alerts.low-disk-mb}. */
    LOW_DISK,
    /** A product's boot environment cannot boot the installer. */
    BOOT_ENVIRONMENT;

    /** As the API and the console write it: {@code failed_board}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
