package io.tributary.mapping;

import io.tributary.system.Sha256;
import java.util.regex.Pattern;

/**
 * Which mapping made an event, as the extension {@code mappingversion} every event a mapping makes
 * carries: the first 12 hex characters of the SHA-256 of the mapping file, after the label its
 * author gave in a comment ({@code /* @version 2026-12-spring *}{@code /}) and a {@code +}:
 * {@code 2026-12-spring+3f0a7d76807a}, or the hash alone. The same file always has the same version;
 * any change to it, a comment too, makes another.
 */
public final class MappingVersion {

    /** A label: letters, digits, {@code . _ -}, up to 40, after {@code @version} inside a comment. */
    private static final Pattern LABEL = Pattern.compile("/\\*(?:(?!\\*/).)*?@version\\s+([A-Za-z0-9._-]{1,40})", Pattern.DOTALL);

    private MappingVersion() {
    }

    public static String of(String text) {
        String hash = Sha256.hex(text, 6);
        var label = LABEL.matcher(text);
        return label.find() ? label.group(1) + "+" + hash : hash;
    }

}
