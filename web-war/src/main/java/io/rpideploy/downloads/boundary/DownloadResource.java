package io.rpideploy.downloads.boundary;

import io.rpideploy.downloads.control.DownloadQueue;
import io.rpideploy.downloads.control.Downloads;
import io.rpideploy.platform.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/** {@code GET /api/downloads}: the image downloads streaming now and the queue behind them. */
@Path("downloads")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.VIEWER_NAME)
public class DownloadResource {

    @Inject
    Downloads downloads;

    @GET
    public QueueView get() {
        DownloadQueue.Snapshot snapshot = downloads.queue().snapshot();
        return new QueueView(snapshot.capacity(), snapshot.streaming().stream().map(EntryView::of).toList(),
                snapshot.waiting().stream().map(EntryView::of).toList(), downloads.queue().stalled());
    }

    /** The queue as the API shows it; {@code stalled}: transfers that lost their slot for want of progress. */
    public record QueueView(int maxConcurrent, List<EntryView> streaming, List<EntryView> waiting, long stalled) {
    }

    /** One client; {@code aboveCapacity}: one that cannot wait, served at once beyond the slots. */
    public record EntryView(String client, String file, Instant since, int position, boolean aboveCapacity) {
        static EntryView of(DownloadQueue.Entry e) {
            return new EntryView(e.client(), e.file(), Instant.ofEpochMilli(e.sinceMillis()), e.position(),
                    e.aboveCapacity());
        }
    }
}
