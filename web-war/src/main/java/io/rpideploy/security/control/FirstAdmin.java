package io.rpideploy.security.control;

import io.rpideploy.platform.control.DatabaseMigrations;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Makes sure an admin can log in after the first start: the account {@code admin} with the password from
 * {@code rpideploy.admin.password} (RPIDEPLOY_ADMIN_PASSWORD), or a random one printed once to the log.
 */
@Startup
@Singleton
@DependsOn("DatabaseMigrations")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class FirstAdmin {

    static final String USERNAME = "admin";
    private static final Logger LOG = Logger.getLogger(FirstAdmin.class.getName());
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    @Inject
    DatabaseMigrations migrations;

    @Inject
    UserService users;

    @Inject
    @ConfigProperty(name = "rpideploy.admin.password")
    Optional<String> configuredPassword;

    @PostConstruct
    void ensureAdmin() {
        migrations.schemaVersion(); // the schema must exist first
        boolean generated = configuredPassword.filter(p -> !p.isBlank()).isEmpty();
        char[] password = generated ? randomPassword() : configuredPassword.get().toCharArray();
        if (users.createFirstAdmin(USERNAME, password)) {
            if (generated) {
                LOG.warning("Created user 'admin' with the generated password " + new String(password)
                        + " (shown this once; set RPIDEPLOY_ADMIN_PASSWORD to choose it, change it in Users)");
            } else {
                LOG.info("Created user 'admin' with the password from RPIDEPLOY_ADMIN_PASSWORD");
            }
        }
    }

    private static char[] randomPassword() {
        SecureRandom random = new SecureRandom();
        char[] password = new char[20];
        for (int i = 0; i < password.length; i++) {
            password[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return password;
    }
}
