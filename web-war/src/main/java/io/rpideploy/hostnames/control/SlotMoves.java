package io.rpideploy.hostnames.control;

import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.hostnames.entity.SlotStatus;
import io.rpideploy.platform.control.DomainException;
import java.util.Locale;
import java.util.Optional;

/**
 * When a name may be pinned to a board or moved to a replacement board, as pure checks (the one about a board still
 * imaging under the name needs the deployments and is {@link HostnameLeaving}'s). Each refusal is a 409.
 */
public final class SlotMoves {

    private SlotMoves() {
    }

    /**
     * A pin: refused for a retired or RXP2 name (RXP2 names are made from the serial), and when the board already
     * holds another name (one board, one name: release that first).
     *
     * @param boardHolds the other name the board holds now, if any
     */
    public static void checkPin(String hostname, Product product, SlotStatus status, Optional<String> boardHolds) {
        if (status == SlotStatus.RETIRED) {
            throw DomainException.conflict("Hostname " + hostname + " is retired and cannot be pinned");
        }
        if (product == Product.RXP2) {
            throw DomainException.conflict("RXP2 hostnames are made from the board serial: there is nothing to pin");
        }
        boardHolds.filter(other -> !other.equals(hostname)).ifPresent(other -> {
            throw DomainException.conflict("serial_number", "The board already holds " + other
                    + ": release it first, then pin");
        });
    }

    /**
     * A replacement: refused for an RXP2 name, a name no board holds (pin it instead), the same board, and a new
     * board that already holds a name.
     *
     * @param oldSerial  the serial of the board holding the name (null when it is known by its MAC only)
     * @param newSerial  the replacement's serial
     * @param newHolds   the name the replacement holds now, if any
     */
    public static void checkReplace(String hostname, Product product, SlotStatus status, String oldSerial,
                                    String newSerial, Optional<String> newHolds) {
        if (product == Product.RXP2) {
            throw DomainException.conflict("RXP2 hostnames are made from the board serial: a new board gets its own");
        }
        if (status != SlotStatus.ASSIGNED) {
            throw DomainException.conflict("Hostname " + hostname + " is " + status.name().toLowerCase(Locale.ROOT)
                    + ": no board holds it to be replaced (pin it instead)");
        }
        if (newSerial.equals(oldSerial)) {
            throw DomainException.conflict("serial_number", "Board " + newSerial + " already holds " + hostname);
        }
        newHolds.ifPresent(other -> {
            throw DomainException.conflict("serial_number", "Board " + newSerial + " already holds " + other
                    + ": release it first");
        });
    }
}
