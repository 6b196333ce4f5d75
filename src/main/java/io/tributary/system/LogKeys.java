package io.tributary.system;

import org.slf4j.spi.LoggingEventBuilder;

/**
 * What a log line is about, as key-value pairs: with structured logs switched on
 * ({@code logging.structured.format.console=ecs} or {@code logstash}) each is a field of the line's
 * JSON, so every line about one event, source or subscription can be found by it. Plain text logs
 * show the message only, which names them too.
 */
public final class LogKeys {

    /** The event's key (as in {@code /api/v1/events/{key}} and {@code webhook-id}). */
    public static final String EVENT = "eventKey";
    /** The canonical source, {@code /providers/{provider}/{sourceId}}. */
    public static final String SOURCE = "source";
    public static final String SUBSCRIPTION = "subscriptionId";

    private LogKeys() {
    }

    /** The line with those of the three that are known (null ones are left out). */
    public static LoggingEventBuilder about(LoggingEventBuilder line, String eventKey, String source, String subscriptionId) {
        LoggingEventBuilder about = line;
        if (eventKey != null) {
            about = about.addKeyValue(EVENT, eventKey);
        }
        if (source != null) {
            about = about.addKeyValue(SOURCE, source);
        }
        if (subscriptionId != null) {
            about = about.addKeyValue(SUBSCRIPTION, subscriptionId);
        }
        return about;
    }

    /** The canonical source of a provider's source id. */
    public static String source(String provider, String sourceId) {
        return provider == null || sourceId == null ? null : "/providers/" + provider + "/" + sourceId;
    }
}
