package io.rpideploy.images.boundary;

import io.rpideploy.downloads.control.DownloadQueue;
import io.rpideploy.downloads.control.Downloads;
import io.rpideploy.platform.control.HealthContribution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * {@code checks.downloads}: the image download queue and whether files go out with sendfile (and if not, why).
 * Informational.
 */
@ApplicationScoped
public class DownloadsHealth implements HealthContribution {

    @Inject
    Downloads downloads;

    @Override
    public String name() {
        return "downloads";
    }

    @Override
    public JsonObject check() {
        DownloadQueue.Snapshot queue = downloads.queue().snapshot();
        JsonObjectBuilder check = JSON.createObjectBuilder().add("status", "up")
                .add("streaming", queue.streaming().size()).add("waiting", queue.waiting().size())
                .add("max_concurrent", queue.capacity()).add("sendfile", ZeroCopy.state());
        String offReason = ZeroCopy.offReason();
        if (offReason != null) {
            check.add("sendfile_off_reason", offReason);
        }
        return check.build();
    }
}
