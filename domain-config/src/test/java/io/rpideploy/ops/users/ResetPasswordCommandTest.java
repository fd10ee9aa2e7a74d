package io.rpideploy.ops.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.ops.OpsEnvironment;
import io.rpideploy.ops.TestData;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResetPasswordCommandTest {

    private static final Pattern PRINTED = Pattern.compile("new password for admin: (\\S+)");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(OpsEnvironment env, String... args) throws Exception {
        return new ResetPasswordCommand().run(List.of(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path home() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        TestData.createDatabase(home.resolve("rpideploy.db"));
        return home;
    }

    @Test
    void storesAHashOfThePrintedPasswordAndAnAuditLine() throws Exception {
        Path home = home();
        Path db = home.resolve("rpideploy.db");
        assertEquals(0, run(TestData.env(home), "admin"), err.toString());

        Matcher printed = PRINTED.matcher(out.toString());
        assertTrue(printed.find(), out.toString());
        String password = printed.group(1);
        assertTrue(password.length() >= 10, "the web application's minimum length");
        String hash = TestData.text(db, "SELECT password_hash FROM user_account WHERE username = 'admin'");
        assertTrue(hash.matches("PBKDF2WithHmacSHA256:210000:[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}"), hash);
        assertTrue(PasswordHash.verify(password.toCharArray(), hash));
        assertFalse(PasswordHash.verify("not-the-password".toCharArray(), hash));
        assertEquals(1, TestData.count(db, "SELECT COUNT(*) FROM audit_event WHERE action = 'user.password'"
                + " AND target = 'admin' AND actor = 'os:" + System.getProperty("user.name") + "'"));
        String updated = TestData.text(db, "SELECT updated_at FROM user_account WHERE username = 'admin'");
        assertTrue(updated.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), updated);
        assertFalse(updated.equals("2026-12-06T09:00:00.000Z"));
    }

    @Test
    void anUnknownUserIsRefusedAndNothingChanges() throws Exception {
        Path home = home();
        Path db = home.resolve("rpideploy.db");
        assertEquals(2, run(TestData.env(home), "nobody"));
        assertTrue(err.toString().contains("no user 'nobody' (users: admin)"), err.toString());
        assertEquals(0, TestData.count(db, "SELECT COUNT(*) FROM audit_event"));
        assertEquals("PBKDF2WithHmacSHA256:210000:AAAA:AAAA",
                TestData.text(db, "SELECT password_hash FROM user_account"));
        assertFalse(out.toString().contains("new password"));
    }

    @Test
    void noDatabaseIsExitTwoNotANewEmptyDatabase() throws Exception {
        Path home = Files.createDirectories(dir.resolve("empty"));
        assertEquals(2, run(TestData.env(home), "admin"));
        assertTrue(err.toString().contains("no database at"), err.toString());
        assertFalse(Files.exists(home.resolve("rpideploy.db")));
    }

    /** The server's writer holds the database for a moment: the command waits (busy timeout), then succeeds. */
    @Test
    void waitsForTheServersWriter() throws Exception {
        Path home = home();
        Path db = home.resolve("rpideploy.db");
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = writer.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            s.execute("UPDATE venue SET name = 'Busy'");
            Thread release = new Thread(() -> {
                try {
                    Thread.sleep(1500);
                    s.execute("COMMIT");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            release.start();
            Instant start = Instant.now();
            assertEquals(0, run(TestData.env(home, "RPIDEPLOY_DB_BUSY_TIMEOUT", "20000"), "admin"), err.toString());
            assertTrue(Duration.between(start, Instant.now()).toMillis() >= 1000, "it waited for the writer");
            release.join();
        }
        assertEquals("Busy", TestData.text(db, "SELECT name FROM venue"));
        assertEquals(1, TestData.count(db, "SELECT COUNT(*) FROM audit_event"));
    }

    /** The hash checked by Jakarta Security's own implementation, the one inside the server (Soteria in Payara). */
    @Test
    void theServersPbkdf2ImplementationAcceptsTheHash() throws Exception {
        char[] password = PasswordHash.generate();
        String hash = PasswordHash.hash(password);
        Path jar = Path.of(Class.forName("fish.payara.micro.PayaraMicro").getProtectionDomain().getCodeSource()
                .getLocation().toURI());
        Path api = dir.resolve("api.jar");
        Path impl = dir.resolve("impl.jar");
        try (ZipFile micro = new ZipFile(jar.toFile())) {
            for (Map.Entry<String, Path> nested : Map.of("MICRO-INF/runtime/jakarta.security.enterprise-api.jar", api,
                    "MICRO-INF/runtime/jakarta.security.enterprise.jar", impl).entrySet()) {
                ZipEntry entry = micro.getEntry(nested.getKey());
                try (InputStream in = micro.getInputStream(entry)) {
                    Files.copy(in, nested.getValue(), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {api.toUri().toURL(), impl.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> type = loader.loadClass("org.glassfish.soteria.identitystores.hash.Pbkdf2PasswordHashImpl");
            Object soteria = type.getDeclaredConstructor().newInstance();
            Method verify = type.getMethod("verify", char[].class, String.class);
            assertEquals(true, verify.invoke(soteria, password, hash));
            assertEquals(false, verify.invoke(soteria, "wrong".toCharArray(), hash));
        }
    }

    /** The parameters the web application hashes with (web-war's PasswordHashing) are the ones written here. */
    @Test
    void sameParametersAsTheWebApplication() throws Exception {
        String source = Files.readString(Path.of("../web-war/src/main/java/io/rpideploy/security/control/"
                + "PasswordHashing.java"));
        assertTrue(source.contains("\"Pbkdf2PasswordHash.Algorithm\", \"" + PasswordHash.ALGORITHM + "\""), source);
        assertTrue(source.contains("\"Pbkdf2PasswordHash.Iterations\", \"" + PasswordHash.ITERATIONS + "\""));
        assertTrue(source.contains("\"Pbkdf2PasswordHash.SaltSizeBytes\", \"" + PasswordHash.SALT_BYTES + "\""));
        assertTrue(source.contains("\"Pbkdf2PasswordHash.KeySizeBytes\", \"" + PasswordHash.KEY_BYTES + "\""));
    }
}
