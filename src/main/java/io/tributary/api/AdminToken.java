package io.tributary.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin credential: {@code tributary.admin.token} when configured, else a token generated at the
 * first start and kept in {@code <data-dir>/admin-token} (owner-only where the file system has POSIX
 * permissions), so the admin API is never open for want of configuration. The first start logs where
 * to read it, once; no start ever logs the token itself. In a cluster each node has its own data
 * directory, so configure the token there.
 */
final class AdminToken {

    static final String FILE = "admin-token";

    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
    private static final int BYTES = 32;

    private AdminToken() {
    }

    /** The token's bytes; a secret, never logged. */
    static byte[] resolve(AdminProperties properties, Path dataDir) {
        if (properties.hasToken()) {
            return properties.token().getBytes(StandardCharsets.UTF_8);
        }
        Path file = dataDir.resolve(FILE).toAbsolutePath().normalize();
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.isEmpty()) {
                throw new IllegalStateException(file + " is empty: delete it to have a new admin token generated, "
                        + "or set tributary.admin.token");
            }
            return token.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the generated admin token in " + file
                    + ": make the data directory (tributary.store.data-dir) writable, or set tributary.admin.token", e);
        }
    }

    /**
     * Writes a new token to a temporary file and links it into place, so that nobody, a second start
     * on the same directory included, ever reads a half-written token, and a file already there wins.
     */
    private static void create(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] random = new byte[BYTES];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path temp = Files.createTempFile(file.getParent(), FILE, ".tmp", ownerOnly(file));
        try {
            Files.writeString(temp, token + "\n", StandardCharsets.UTF_8);
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException raced) {
                return; // another start made it first: use its token
            } catch (UnsupportedOperationException | IOException noLinks) {
                Files.move(temp, file); // no hard links here: still never replaces an existing file
            }
            log.warn("No admin token is configured (tributary.admin.token, env TRIBUTARY_ADMIN_TOKEN): one was generated "
                    + "for /api/ and /actuator/, kept in {} and readable only by this user. Send it as "
                    + "'Authorization: Bearer <token>'. This is said once, at its creation.", file);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }
}
