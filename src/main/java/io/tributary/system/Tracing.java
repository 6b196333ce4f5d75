package io.tributary.system;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Spans of Tributary's own steps (mapping, store, each delivery attempt), in the trace of the webhook
 * request that brought the event, and {@code traceparent} on every delivery. Off, and free, unless
 * {@code management.tracing.enabled}: then there is no tracer and every method does nothing.
 */
public final class Tracing {

    /** No tracer: nothing is recorded. */
    public static final Tracing OFF = new Tracing(null, null);

    private final Tracer tracer;
    private final Propagator propagator;

    public Tracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** The trace this thread works in now, to carry to work done later elsewhere; null when none. */
    public TraceContext current() {
        if (tracer == null) {
            return null;
        }
        Span span = tracer.currentSpan();
        return span == null ? null : span.context();
    }

    /** Runs {@code step} in a span of its own, a child of the current one. */
    public <T> T inSpan(String name, Supplier<T> step) {
        if (tracer == null) {
            return step.get();
        }
        Span span = tracer.nextSpan().name(name).start();
        try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
            return step.get();
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * Starts a span, a child of {@code parent} (a new trace when null), and hands its
     * {@code traceparent} (and the propagator's other headers) to {@code header}.
     *
     * @return the span, to end when the work is done; null when tracing is off
     */
    public Span startAndPropagate(String name, TraceContext parent, BiConsumer<String, String> header) {
        if (tracer == null) {
            return null;
        }
        Span span = parent == null ? tracer.nextSpan().name(name).start()
                : tracer.spanBuilder().setParent(parent).name(name).start();
        propagator.inject(span.context(), header, BiConsumer::accept);
        return span;
    }

    /** Ends a span {@link #startAndPropagate} started (nothing when null), with its outcome. */
    public static void end(Span span, Integer status, Throwable failure) {
        if (span == null) {
            return;
        }
        if (status != null) {
            span.tag("http.response.status_code", status.toString());
        }
        if (failure != null) {
            span.error(failure);
        }
        span.end();
    }
}
