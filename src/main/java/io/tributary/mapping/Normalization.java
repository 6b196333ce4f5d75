package io.tributary.mapping;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The outcome of normalizing one provider payload: a canonical event, or the reason it is quarantined. */
public sealed interface Normalization {

    /** The canonical event id, or for a quarantined payload the id it is kept under. */
    String id();

    /** A valid canonical event. */
    record Normalized(String id, ObjectNode event) implements Normalization {
    }

    /**
     * A payload that cannot become a canonical event (yet): kept, visible and replayable.
     *
     * @param providerEvent the provider's event name where the mapping could tell it, else {@code null}
     * @param detail        why, for operators; never contains payload values
     */
    record Quarantined(String id, Reason reason, String providerEvent, String detail) implements Normalization {
    }

    enum Reason {
        /** The provider event is not in the catalog (or the provider sent no event name). */
        UNMAPPED("unmapped"),
        /** The mapping expression failed on this payload. */
        MAPPING_ERROR("mapping_error"),
        /** The mapped event breaks the canonical schema. */
        INVALID("invalid");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Reason ofCode(String code) {
            for (Reason r : values()) {
                if (r.code.equals(code)) {
                    return r;
                }
            }
            throw new IllegalArgumentException(code);
        }
    }
}
