package io.rpideploy.fleet.boundary;

import io.rpideploy.fleet.control.BoardDirectory;
import io.rpideploy.fleet.control.BoardDirectory.Board;
import io.rpideploy.platform.boundary.ConsoleMessages;
import io.rpideploy.platform.control.DomainException;
import jakarta.annotation.PostConstruct;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** The console's Devices page: every board ever seen, searched as you type, exported, each with its label. */
@Named
@ViewScoped
public class DevicesView implements Serializable {

    private static final long serialVersionUID = 1L;
    static final int SHOWN = 200;

    @Inject
    BoardDirectory directory;

    private String q;
    private List<Board> boards = List.of();
    private long total;

    @PostConstruct
    public void search() {
        try {
            BoardDirectory.Page page = directory.search(q, 0, SHOWN);
            boards = page.boards();
            total = page.total();
        } catch (DomainException refused) {
            ConsoleMessages.refuse("search:q", refused.getMessage());
        }
    }

    public String getCsvQuery() {
        return q == null || q.isBlank() ? "" : "q=" + URLEncoder.encode(q.strip(), StandardCharsets.UTF_8);
    }

    public String labelQuery(Board board) {
        return URLEncoder.encode(board.serialNumber() != null ? board.serialNumber() : board.macAddress(),
                StandardCharsets.UTF_8);
    }

    public String when(Instant instant) {
        return instant == null ? "" : ConsoleMessages.when(instant);
    }

    public String getQ() { return q; }
    public void setQ(String q) { this.q = q; }
    public List<Board> getBoards() { return boards; }
    public long getTotal() { return total; }
    public int getShown() { return SHOWN; }
}
