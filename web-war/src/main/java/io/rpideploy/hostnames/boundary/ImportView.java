package io.rpideploy.hostnames.boundary;

import io.rpideploy.platform.control.Counts;
import io.rpideploy.hostnames.control.HostnameService.ImportResult;
import io.rpideploy.hostnames.control.KartNumberParser;
import java.util.List;

/** The answer to a kart-number import: the plan's {@code success, added, message}, plus what was skipped and why. */
public record ImportView(boolean success, String venueCode, int added, int duplicates,
                         List<KartNumberParser.Invalid> invalid, long poolSize, String message) {

    public static ImportView of(ImportResult r) {
        String message = "Added " + Counts.of(r.added(), "kart number") + (r.duplicates() > 0 ? ", skipped "
                + Counts.of(r.duplicates(), "duplicate") : "") + (r.invalid().isEmpty() ? ""
                : ", " + Counts.of(r.invalid().size(), "invalid item"));
        return new ImportView(true, r.venueCode(), r.added(), r.duplicates(), r.invalid(), r.poolSize(), message);
    }
}
