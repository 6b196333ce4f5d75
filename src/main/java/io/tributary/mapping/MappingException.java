package io.tributary.mapping;

/** A mapping expression failed on one payload: the event is quarantined as {@code mapping_error}. */
public class MappingException extends RuntimeException {
    public MappingException(String message, Throwable cause) {
        super(message, cause);
    }
}
