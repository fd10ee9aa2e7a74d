package io.rpideploy.security.control;

import io.rpideploy.audit.control.AuditLog;
import io.rpideploy.platform.control.DomainException;
import io.rpideploy.platform.control.Revisions;
import io.rpideploy.platform.control.SerializedWrite;
import io.rpideploy.platform.entity.Role;
import io.rpideploy.security.entity.UserAccount;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Console and API accounts: create, change role, enable/disable, reset password. */
@ApplicationScoped
public class UserService {

    public static final int MIN_PASSWORD = 10;
    private static final Pattern USERNAME = Pattern.compile("[a-z][a-z0-9._-]{1,31}");

    @PersistenceContext
    EntityManager em;

    @Inject
    PasswordHashing hashing;

    @Inject
    CredentialCache credentialCache;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    public List<UserAccount> list() {
        return em.createNamedQuery(UserAccount.ALL, UserAccount.class).getResultList();
    }

    public Optional<UserAccount> find(String username) {
        if (username == null) {
            return Optional.empty();
        }
        return em.createNamedQuery(UserAccount.BY_NAME, UserAccount.class).setParameter("username", username)
                .getResultStream().findFirst();
    }

    /** One audit line per failed login: who tried which name from where, and the lockout it started. */
    @SerializedWrite
    @Transactional
    public void recordFailedLogin(String attemptedName, String address, java.time.Duration lock) {
        String name = attemptedName == null ? "" : attemptedName.strip();
        // the attempted name is the attacker's text: printable ASCII only, bounded, before it reaches the log
        name = name.replaceAll("[^\\x21-\\x7e]", "?");
        if (name.length() > 64) {
            name = name.substring(0, 64) + "...";
        }
        audit.record(address, "login.failed", name, lock.isZero() ? "" : "locked for " + lock.toSeconds() + " s");
    }

    @SerializedWrite
    @Transactional
    public UserAccount create(String usernameText, String roleText, char[] password) {
        String username = username(usernameText);
        Role role = role(roleText);
        checkPassword(password);
        if (find(username).isPresent()) {
            throw DomainException.conflict("username", "User " + username + " already exists");
        }
        UserAccount user = new UserAccount(username, hashing.hash(password), role, clock.instant());
        em.persist(user);
        audit.record("user.create", username, role.label());
        return user;
    }

    @SerializedWrite
    @Transactional
    public UserAccount changeRole(String username, String roleText) {
        UserAccount user = require(username);
        Role role = role(roleText);
        if (user.getRole() == Role.ADMIN && role != Role.ADMIN) {
            requireAnotherAdmin(user);
        }
        user.setRole(role);
        touch(user);
        audit.record("user.role", username, role.label());
        return user;
    }

    @SerializedWrite
    @Transactional
    public UserAccount setEnabled(String username, boolean enabled) {
        UserAccount user = require(username);
        if (!enabled && user.getRole() == Role.ADMIN) {
            requireAnotherAdmin(user);
        }
        user.setEnabled(enabled);
        touch(user);
        audit.record(enabled ? "user.enable" : "user.disable", username, null);
        return user;
    }

    @SerializedWrite
    @Transactional
    public UserAccount resetPassword(String username, char[] password) {
        UserAccount user = require(username);
        checkPassword(password);
        user.setPasswordHash(hashing.hash(password));
        touch(user);
        audit.record("user.password", username, null);
        return user;
    }

    /** Changes role, enabled flag and password together: all checked first, so a bad field changes nothing. */
    @SerializedWrite
    @Transactional
    public UserAccount update(String username, String roleText, Boolean enabled, char[] password) {
        return update(username, null, roleText, enabled, password);
    }

    /** The same, refused (412) when the account is no longer at {@code expectedVersion} (null: any). */
    @SerializedWrite
    @Transactional
    public UserAccount update(String username, Long expectedVersion, String roleText, Boolean enabled,
                              char[] password) {
        UserAccount user = require(username);
        Revisions.require(user.getVersion(), expectedVersion, "User " + user.getUsername(),
                audit.lastChangeOf(user.getUsername()));
        Role role = roleText == null ? user.getRole() : role(roleText);
        if (password != null) {
            checkPassword(password);
        }
        boolean stillAdmin = role == Role.ADMIN && (enabled == null || enabled);
        if (user.getRole() == Role.ADMIN && user.isEnabled() && !stillAdmin) {
            requireAnotherAdmin(user);
        }
        if (role != user.getRole()) {
            user.setRole(role);
            audit.record("user.role", username, role.label());
        }
        if (enabled != null && enabled != user.isEnabled()) {
            user.setEnabled(enabled);
            audit.record(enabled ? "user.enable" : "user.disable", username, null);
        }
        if (password != null) {
            user.setPasswordHash(hashing.hash(password));
            audit.record("user.password", username, null);
        }
        touch(user);
        return user;
    }

    /** Creates the first admin at start-up when there is none. */
    @SerializedWrite
    @Transactional
    public boolean createFirstAdmin(String username, char[] password) {
        if (find(username).isPresent()) {
            return false;
        }
        em.persist(new UserAccount(username, hashing.hash(password), Role.ADMIN, clock.instant()));
        audit.record(AuditLog.SYSTEM, "user.create", username, "first admin");
        return true;
    }

    public UserAccount require(String username) {
        return find(username).orElseThrow(() -> DomainException.notFound("User " + username + " does not exist"));
    }

    private void touch(UserAccount user) {
        user.setUpdatedAt(clock.instant());
        credentialCache.forget(user.getUsername());
    }

    private void requireAnotherAdmin(UserAccount user) {
        long others = em.createQuery("SELECT COUNT(u) FROM UserAccount u WHERE u.role = :role AND u.enabled = TRUE"
                        + " AND u.id <> :id", Long.class)
                .setParameter("role", Role.ADMIN).setParameter("id", user.getId()).getSingleResult();
        if (others == 0) {
            throw DomainException.conflict("The last enabled admin cannot be demoted or disabled");
        }
    }

    static String username(String text) {
        String username = text == null ? "" : text.trim();
        if (!USERNAME.matcher(username).matches()) {
            throw DomainException.invalid("username", "User name must be 2-32 lower-case letters, digits, '.', '_'"
                    + " or '-', starting with a letter");
        }
        return username;
    }

    static Role role(String text) {
        return Role.parse(text).orElseThrow(() -> DomainException.invalid("role",
                "Role must be admin, operator or viewer"));
    }

    static void checkPassword(char[] password) {
        if (password == null || password.length < MIN_PASSWORD) {
            throw DomainException.invalid("password", "Password must have at least " + MIN_PASSWORD + " characters");
        }
    }
}
