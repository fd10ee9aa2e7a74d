package io.rpideploy.images.control;

import io.rpideploy.platform.control.HealthContribution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;

/** {@code checks.image_store}: readable, with its free space ({@code low} under 1 GiB is a warning, not an outage). */
@ApplicationScoped
public class ImageStoreHealth implements HealthContribution {

    /** Below this much free space the image store is reported "low": the next upload may not fit. */
    static final long LOW_FREE_BYTES = 1L << 30;

    @Inject
    ImageStore store;

    @Override
    public String name() {
        return "image_store";
    }

    @Override
    public JsonObject check() {
        try {
            FileStore disk = Files.getFileStore(store.images());
            long free = disk.getUsableSpace();
            // low space is a warning, not an outage: deployments of stored images go on
            return JSON.createObjectBuilder().add("status", free >= LOW_FREE_BYTES ? "up" : "low")
                    .add("free_bytes", free).add("total_bytes", disk.getTotalSpace()).build();
        } catch (IOException e) {
            return JSON.createObjectBuilder().add("status", "down").add("message", "image store not readable")
                    .build();
        }
    }

    @Override
    public boolean healthy(JsonObject check) {
        return !"down".equals(check.getString("status"));
    }
}
