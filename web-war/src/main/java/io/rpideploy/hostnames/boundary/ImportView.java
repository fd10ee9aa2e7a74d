package io.rpideploy.hostnames.boundary;

import io.rpideploy.hostnames.control.HostnameService.ImportResult;
import io.rpideploy.hostnames.control.KartNumberParser;
import java.util.List;

/** The answer to a kart-number import: the plan's {@code success, added, message}, plus what was skipped and why. */
public record ImportView(boolean success, String venueCode, int added, int duplicates,
                         List<KartNumberParser.Invalid> invalid, long poolSize, String message) {

    public static ImportView of(ImportResult r) {
        String message = "Added " + r.added() + " kart numbers" + (r.duplicates() > 0 ? ", skipped " + r.duplicates()
                + " duplicates" : "") + (r.invalid().isEmpty() ? "" : ", " + r.invalid().size() + " invalid items");
        return new ImportView(true, r.venueCode(), r.added(), r.duplicates(), r.invalid(), r.poolSize(), message);
    }
}
