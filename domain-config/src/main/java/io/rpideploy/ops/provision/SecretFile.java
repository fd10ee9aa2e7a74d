package io.rpideploy.ops.provision;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** A secret kept in a file: refused unless only its owner may read it (as ssh does with a private key). */
final class SecretFile {

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecretFile() {
    }

    static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("token secret file " + file + " does not exist");
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        permissions.retainAll(OTHERS);
        if (!permissions.isEmpty()) {
            throw new IllegalArgumentException("token secret file " + file + " may be read by others ("
                    + permissions + "): chmod 600 it");
        }
        String owner = Files.getOwner(file).getName();
        String me = System.getProperty("user.name");
        if (!owner.equals(me)) {
            throw new IllegalArgumentException("token secret file " + file + " belongs to " + owner + ", not " + me);
        }
        String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (secret.isEmpty() || secret.contains("\n")) {
            throw new IllegalArgumentException("token secret file " + file + ": one line with the secret expected");
        }
        return secret;
    }
}
