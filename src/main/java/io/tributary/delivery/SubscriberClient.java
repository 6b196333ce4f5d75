package io.tributary.delivery;

import io.tributary.system.Cidr;
import io.tributary.system.NetworkPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.routing.HttpRoutePlanner;
import org.apache.hc.client5.http.routing.RoutingSupport;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.Timeout;

/**
 * The one HTTP client of every delivery (Apache HttpClient 5, asynchronous: no thread waits on a
 * subscriber).
 * <ul>
 * <li>Where it connects: every name goes through {@link VettedDnsResolver} once per attempt, on threads
 *     of its own ({@code delivery-dns-}); an address written out in the URL, having nothing to look up,
 *     is checked on the sending thread. The connection is made to the first of the very
 *     addresses the {@link NetworkPolicy} checked, pinned in the route ({@link PinnedRoutes}): the
 *     client never looks a name up itself, so a slow or hanging DNS server holds up neither the
 *     thread that sends nor the client's I/O threads, only that attempt (within its deadline). TLS
 *     still names (SNI) and verifies the host of the URL, and {@code Host} is that host. Never through a proxy: the route is always
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

    /** Most lookups at once: one subscription has at most {@code max-in-flight} (4) of them. */
    private static final int LOOKUPS = 32;

    private final CloseableHttpAsyncClient http;
    private final VettedDnsResolver dns;
    private final ThreadPoolExecutor lookups;
    private final ExecutorService completions;
    private final ScheduledThreadPoolExecutor deadlines;
    private final Duration deadline;
    private final int excerptLimit;

    SubscriberClient(NetworkPolicy network, DnsResolver dns, Duration connectTimeout, Duration deadline, int excerptLimit) {
        this.deadline = deadline;
        this.excerptLimit = excerptLimit;
        this.dns = new VettedDnsResolver(dns, network);
        this.lookups = new ThreadPoolExecutor(LOOKUPS, LOOKUPS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemons("delivery-dns-"));
        this.lookups.allowCoreThreadTimeOut(true);
        this.completions = Executors.newFixedThreadPool(4, daemons("delivery-http-"));
        this.deadlines = new ScheduledThreadPoolExecutor(1, daemons("delivery-deadline-"));
        this.deadlines.setRemoveOnCancelPolicy(true); // an answered attempt leaves nothing behind
        this.http = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setDnsResolver(PinnedRoutes.NO_LOOKUP)
                        .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(SSLContexts.createSystemDefault()).build())
                        .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setSocketTimeout(Timeout.of(deadline))
                                .build())
                        .setMaxConnPerRoute(256)
                        .setMaxConnTotal(4096)
                        .build())
                .setRoutePlanner(new PinnedRoutes()) // direct, no proxy, to the address checked
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
        AtomicReference<Future<Response>> exchange = new AtomicReference<>();
        ScheduledFuture<?> timeout = deadlines.schedule(() -> {
            if (!answer.isDone()) {
                Future<Response> sent = exchange.get();
                if (sent != null) {
                    sent.cancel(true); // closes the connection
                }
                completions.execute(() -> answer.completeExceptionally(
                        new TimeoutException("no complete response within " + deadline.toMillis() + " ms")));
            }
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        answer.whenComplete((response, failure) -> timeout.cancel(false));
        String host = request.getAuthority() == null ? null : request.getAuthority().getHostName();
        if (host != null && Cidr.isLiteral(host)) {
            connect(request, answer, exchange, () -> dns.literal(host)); // nothing to look up: no thread to hand over to
        } else {
            lookups.execute(() -> connect(request, answer, exchange, () -> dns.resolve(host)));
        }
        return answer;
    }

    /** Where an attempt's host leads: the addresses the policy checked, or the reason there are none. */
    @FunctionalInterface
    private interface Destination {
        InetAddress[] addresses() throws UnknownHostException;
    }

    /**
     * Looks the destination up and hands the request to the client, pinned to the first address
     * checked; on the thread that calls it, which a lookup may hold up (a literal address has none).
     */
    private void connect(SimpleHttpRequest request, CompletableFuture<Response> answer, AtomicReference<Future<Response>> exchange,
                         Destination destination) {
        InetAddress address;
        try {
            address = destination.addresses()[0];
        } catch (Exception e) {
            completions.execute(() -> answer.completeExceptionally(e));
            return;
        }
        if (answer.isDone()) {
            return; // the deadline passed during the lookup
        }
        HttpClientContext context = HttpClientContext.create();
        context.setAttribute(PinnedRoutes.ADDRESS, address);
        try {
            exchange.set(http.execute(SimpleRequestProducer.create(request), new LimitedBody(excerptLimit), null, context,
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
                }));
        } catch (RuntimeException e) {
            completions.execute(() -> answer.completeExceptionally(e));
            return;
        }
        if (answer.isDone()) {
            exchange.get().cancel(true); // the deadline passed while it was handed over
        }
    }

    /**
     * Routes every request straight to the address its attempt looked up and checked (the context's
     * {@link #ADDRESS}), under its own host name (SNI, certificate check): never through a proxy, and
     * never to an address the client would look up by itself ({@link #NO_LOOKUP} refuses to).
     */
    static final class PinnedRoutes implements HttpRoutePlanner {

        static final String ADDRESS = "io.tributary.vettedAddress";

        /** The client's own resolver: never asked, since every route carries its address; refuses if it is. */
        static final DnsResolver NO_LOOKUP = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                throw new UnknownHostException(host + ": not looked up by the client, only before the attempt");
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                throw new UnknownHostException(host);
            }
        };

        @Override
        public HttpRoute determineRoute(HttpHost target, HttpContext context) throws HttpException {
            if (!(context.getAttribute(ADDRESS) instanceof InetAddress address)) {
                throw new HttpException("no checked address for " + target);
            }
            HttpHost host = RoutingSupport.normalize(target, DefaultSchemePortResolver.INSTANCE);
            return new HttpRoute(new HttpHost(host.getSchemeName(), address, host.getHostName(), host.getPort()), null,
                    URIScheme.HTTPS.same(host.getSchemeName()));
        }
    }

    /** Where {@link #send} completes: the delivery route goes on there. */
    Executor completions() {
        return completions;
    }

    @Override
    public void close() {
        http.close(CloseMode.IMMEDIATE);
        lookups.shutdownNow();
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
