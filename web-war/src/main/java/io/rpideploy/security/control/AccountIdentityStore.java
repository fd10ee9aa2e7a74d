package io.rpideploy.security.control;

import io.rpideploy.security.entity.UserAccount;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Optional;
import java.util.Set;

/** Checks user names and passwords against the user_account table; disabled accounts never log in. */
@ApplicationScoped
public class AccountIdentityStore implements IdentityStore {

    @Inject
    UserService users;

    @Inject
    PasswordHashing hashing;

    @Inject
    CredentialCache cache;

    @Override
    public CredentialValidationResult validate(Credential credential) {
        if (!(credential instanceof UsernamePasswordCredential login)) {
            return CredentialValidationResult.NOT_VALIDATED_RESULT;
        }
        char[] password = login.getPassword().getValue();
        // HTTP Basic repeats the password on every call: a recent verification answers without the database
        Optional<Set<String>> remembered = cache.recentlyVerified(login.getCaller(), password);
        if (remembered.isPresent()) {
            return new CredentialValidationResult(login.getCaller(), remembered.get());
        }
        Optional<UserAccount> account = users.find(login.getCaller());
        if (account.isEmpty() || !account.get().isEnabled()) {
            hashing.verifyDecoy(password); // the same cost as a wrong password: user names cannot be enumerated
            return CredentialValidationResult.INVALID_RESULT;
        }
        UserAccount user = account.get();
        if (!hashing.verify(password, user.getPasswordHash())) {
            return CredentialValidationResult.INVALID_RESULT;
        }
        cache.remember(user.getUsername(), password, user.getRole().groups());
        return new CredentialValidationResult(user.getUsername(), user.getRole().groups());
    }
}
