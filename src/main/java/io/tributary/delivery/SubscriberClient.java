package io.tributary.delivery;

import io.tributary.system.NetworkPolicy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.Timeout;

/**
 * The one HTTP client of every delivery (Apache HttpClient 5, asynchronous: no thread waits on a
 * subscriber).
 * <ul>
 * <li>Where it connects: every name goes through {@link VettedDnsResolver}, so the connection is made
 *     to the very addresses the {@link NetworkPolicy} checked; TLS still names (SNI) and verifies the
 *     host of the URL, and {@code Host} is that host. Never through a proxy: the route is always
 *     direct, whatever {@code http.proxyHost}, {@code java.net.useSystemProxies} or the default
 *     {@code ProxySelector} say, since a proxy would resolve and connect by itself, inside the network.</li>
 * <li>How long: an attempt has one deadline, {@code request-timeout}, for all of it, connect,
 *     request, response headers and the whole body. A subscriber that sends its headers and then
 *     trickles or never ends its body is cut off then, the connection closed, the attempt failed.</li>
 * <li>What it never does: follow redirects (a redirect could lead a signed request somewhere the
 *     subscription did not name), retry by itself, keep cookies or credentials between requests.</li>
 * </ul>
 * Completions run on a small executor of its own, never on the client's I/O threads, since recording an
 * attempt may block.
 */
final class SubscriberClient implements AutoCloseable {

    /**
     * A subscriber's answer as an attempt keeps it.
     *
     * @param retryAfter its {@code Retry-After} header, or null
     * @param excerpt    the start of its body, at most {@code response-excerpt}
     */
    record Response(int status, String retryAfter, byte[] excerpt) {
    }

    private final CloseableHttpAsyncClient http;
    private final ExecutorService completions;
    private final ScheduledThreadPoolExecutor deadlines;
    private final Duration deadline;
    private final int excerptLimit;

    SubscriberClient(NetworkPolicy network, DnsResolver dns, Duration connectTimeout, Duration deadline, int excerptLimit) {
        this.deadline = deadline;
        this.excerptLimit = excerptLimit;
        this.completions = Executors.newFixedThreadPool(4, daemons("delivery-http-"));
        this.deadlines = new ScheduledThreadPoolExecutor(1, daemons("delivery-deadline-"));
        this.deadlines.setRemoveOnCancelPolicy(true); // an answered attempt leaves nothing behind
        this.http = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setDnsResolver(new VettedDnsResolver(dns, network))
                        .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(SSLContexts.createSystemDefault()).build())
                        .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setSocketTimeout(Timeout.of(deadline))
                                .build())
                        .setMaxConnPerRoute(256)
                        .setMaxConnTotal(4096)
                        .build())
                .setRoutePlanner(new DefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE)) // direct, no proxy
                .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(Timeout.of(deadline)).build())
                .setThreadFactory(daemons("delivery-io-"))
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableConnectionState()
                .build();
        http.start();
    }

    /**
     * Sends one attempt. Completes on {@link #completions()} with the answer, or exceptionally: with a
     * {@link NetworkPolicy.Refused} when the destination is not permitted, a {@link TimeoutException}
     * when the deadline passed, or the I/O failure.
     */
    CompletableFuture<Response> send(SimpleHttpRequest request) {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        Future<Response> exchange = http.execute(SimpleRequestProducer.create(request), new LimitedBody(excerptLimit),
                new FutureCallback<>() {
                    @Override
                    public void completed(Response response) {
                        completions.execute(() -> answer.complete(response));
                    }

                    @Override
                    public void failed(Exception failure) {
                        completions.execute(() -> answer.completeExceptionally(failure));
                    }

                    @Override
                    public void cancelled() {
                        // only the deadline cancels, and it has completed the answer already
                    }
                });
        ScheduledFuture<?> timeout = deadlines.schedule(() -> {
            if (!answer.isDone()) {
                exchange.cancel(true); // closes the connection
                completions.execute(() -> answer.completeExceptionally(
                        new TimeoutException("no complete response within " + deadline.toMillis() + " ms")));
            }
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        answer.whenComplete((response, failure) -> timeout.cancel(false));
        return answer;
    }

    /** Where {@link #send} completes: the delivery route goes on there. */
    Executor completions() {
        return completions;
    }

    @Override
    public void close() {
        http.close(CloseMode.IMMEDIATE);
        deadlines.shutdownNow();
        completions.shutdownNow();
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
