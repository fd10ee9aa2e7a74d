package io.rpideploy.images.control;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where {@code /boot/<path>} comes from when the operator's boot folder has no such file: the boot environments
 * the server builds ({@code bootenv}). A CDI bean implements it, so this feature does not depend on that one.
 */
public interface BootFileFallback {

    /** @param relative the decoded, checked path below {@code /boot/} (no {@code ..}, not absolute) */
    Optional<Path> find(String relative);
}
