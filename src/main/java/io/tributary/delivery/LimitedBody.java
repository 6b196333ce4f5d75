package io.tributary.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * A subscriber's response as an attempt keeps it: the status, {@code Retry-After}, and the first
 * {@code limit} bytes of the body; the rest is read and discarded, so a subscriber answering with
 * gigabytes costs no memory. How long the body may take is {@link SubscriberClient}'s deadline.
 */
final class LimitedBody implements AsyncResponseConsumer<SubscriberClient.Response> {

    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private int status;
    private String retryAfter;
    private FutureCallback<SubscriberClient.Response> done;

    LimitedBody(int limit) {
        this.limit = limit;
    }

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context,
                                FutureCallback<SubscriberClient.Response> callback) {
        status = response.getCode();
        Header header = response.getFirstHeader("Retry-After");
        retryAfter = header == null ? null : header.getValue();
        if (entity == null) {
            callback.completed(result());
        } else {
            done = callback;
        }
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) {
        // 1xx: the final response follows
    }

    @Override
    public void updateCapacity(CapacityChannel channel) throws java.io.IOException {
        channel.update(Integer.MAX_VALUE);
    }

    @Override
    public void consume(ByteBuffer buffer) {
        int take = Math.min(limit - kept.size(), buffer.remaining());
        if (take > 0) {
            byte[] chunk = new byte[take];
            buffer.get(chunk);
            kept.write(chunk, 0, take);
        }
        buffer.position(buffer.limit()); // the rest is discarded
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) {
        if (done != null) {
            done.completed(result());
        }
    }

    @Override
    public void failed(Exception cause) {
        // reported to the exchange's own callback
    }

    @Override
    public void releaseResources() {
        done = null;
    }

    private SubscriberClient.Response result() {
        return new SubscriberClient.Response(status, retryAfter, kept.toByteArray());
    }
}
