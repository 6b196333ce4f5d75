package io.tributary.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The last refused webhook requests, for diagnosis: when, which source, why, from where, and the
 * request's shape (path, user agent, length), never its body or credentials. Kept in a Hazelcast
 * ring buffer shared by the cluster; counted as {@code tributary_ingest_rejected_total{source, reason}}.
 */
public final class RejectionLog {

    /** How many refusals the log keeps, cluster-wide; older ones are overwritten. */
    static final int CAPACITY = 1_000;
    /** The longest path or user agent an entry keeps: the client chooses them (up to Tomcat's 8 KB header limit). */
    static final int MAX_TEXT = 256;

    private final Ringbuffer<String> ring;
    private final MeterRegistry meters;
    private final ObjectMapper json;
    private final Clock clock;

    RejectionLog(Ringbuffer<String> ring, MeterRegistry meters, ObjectMapper json, Clock clock) {
        this.ring = ring;
        this.meters = meters;
        this.json = json;
        this.clock = clock;
    }

    void record(String sourceId, String provider, HttpServletRequest request, String client, int status, String reason) {
        meters.counter("tributary.ingest.rejected", "source", String.valueOf(sourceId), "reason", reason).increment();
        Rejection entry = new Rejection(clock.instant(), sourceId, provider, status, reason, client, cut(request.getRequestURI()),
                cut(request.getHeader("User-Agent")), request.getContentLengthLong());
        try {
            ring.addAsync(json.writeValueAsString(entry), OverflowPolicy.OVERWRITE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    }

    /** Counts a refusal without keeping it: for floods, which would push every other entry out. */
    void count(String sourceId, String reason) {
        meters.counter("tributary.ingest.rejected", "source", String.valueOf(sourceId), "reason", reason).increment();
    }

    /** The newest refusals first. */
    public List<Rejection> latest(int limit) {
        List<Rejection> entries = new ArrayList<>();
        long tail = ring.tailSequence();
        long head = ring.headSequence();
        for (long seq = tail; seq >= head && entries.size() < limit && seq >= 0; seq--) {
            try {
                entries.add(json.readValue(ring.readOne(seq), Rejection.class));
            } catch (JsonProcessingException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                break;
            }
        }
        return entries;
    }
}
