package io.rpideploy.fleet.boundary;

import io.rpideploy.fleet.control.BoardDirectory;
import io.rpideploy.fleet.control.BoardDirectory.Board;
import io.rpideploy.fleet.control.LabelCode;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Optional;

/** A printable label of one board (devices/label.xhtml?board=SERIAL): hostname large, serial, QR code of the serial. */
@Named
@RequestScoped
public class LabelView {

    @Inject
    BoardDirectory directory;

    private String board;
    private Board found;

    /** Called by the page's view action once {@code board} is set. */
    public void load() {
        // a serial or MAC is short: anything longer is no board (and not a search the directory takes)
        found = board == null || board.isBlank() || board.length() > 64 ? null : directory.search(board, 0, 20)
                .boards().stream()
                .filter(b -> board.equalsIgnoreCase(b.serialNumber()) || board.equalsIgnoreCase(b.macAddress()))
                .findFirst().orElse(null);
    }

    public Optional<Board> getFound() { return Optional.ofNullable(found); }

    /** The QR code of the serial (else the MAC), as inline SVG markup built by us (no user text in it but that). */
    public String getQr() {
        return found == null ? "" : LabelCode.svg(found.serialNumber() != null ? found.serialNumber()
                : found.macAddress());
    }

    public String getBoard() { return board; }
    public void setBoard(String board) { this.board = board; }
}
