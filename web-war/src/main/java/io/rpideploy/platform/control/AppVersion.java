package io.rpideploy.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The application's version (the Maven project version) and the git commit it was built from, as the build wrote
 * them into {@code version.properties}; shown in {@code /health}, the console's footer ({@code #{appVersion}}) and
 * the start log. The commit is "unknown" when the build ran outside a git work tree.
 */
@ApplicationScoped
@Named("appVersion")
public class AppVersion {

    private static final AppVersion BUILT = load("version.properties");

    private final String version;
    private final String commit;

    AppVersion(String version, String commit) {
        this.version = version;
        this.commit = commit;
    }

    /** For CDI's proxy; the values are the built ones. */
    protected AppVersion() {
        this(BUILT.version, BUILT.commit);
    }

    public static AppVersion built() {
        return BUILT;
    }

    public String getVersion() {
        return version;
    }

    public String getCommit() {
        return commit;
    }

    /** "0.1.0-SNAPSHOT (commit 1a2b3c4d5e)", or the version alone without a known commit. */
    public String getText() {
        return commit.equals("unknown") ? version : version + " (commit " + commit + ")";
    }

    static AppVersion load(String resource) {
        Properties properties = new Properties();
        try (InputStream in = AppVersion.class.getResourceAsStream(resource)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AppVersion(known(properties.getProperty("version")), known(properties.getProperty("commit")));
    }

    /** An unfiltered placeholder (a build that skipped resource filtering) is no version. */
    private static String known(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value.trim();
    }
}
