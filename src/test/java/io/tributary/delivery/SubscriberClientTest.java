package io.tributary.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.TestReceiver;
import io.tributary.system.NetworkPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The delivery client against real subscribers on loopback: where it connects (only to the addresses
 * the network policy checked, never through a proxy) and for how long (one deadline for the whole
 * answer, body included).
 */
class SubscriberClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Loopback is not allowed here; TEST-NET-1 stands for a public address the policy lets through. */
    private static final NetworkPolicy TEST_NET_ONLY = new NetworkPolicy(List.of("192.0.2.0/24"));

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T opened(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private SubscriberClient client(NetworkPolicy policy, DnsResolver dns, Duration deadline) {
        return opened(new SubscriberClient(policy, dns, Duration.ofMillis(500), deadline, 4096));
    }

    private static CompletableFuture<SubscriberClient.Response> post(SubscriberClient client, String url) {
        SimpleHttpRequest request;
        try {
            request = SimpleHttpRequest.create("POST", URI.create(url));
            request.setBody("{}", ContentType.APPLICATION_JSON);
        } catch (RuntimeException notAUrl) {
            return CompletableFuture.failedFuture(notAUrl);
        }
        return client.send(request);
    }

    /** Answers a public, allowed address first, then loopback: a DNS server rebinding its name. */
    private static final class RebindingDns implements DnsResolver {
        final AtomicInteger lookups = new AtomicInteger();

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            return new InetAddress[] {InetAddress.getByName(lookups.incrementAndGet() == 1 ? "192.0.2.1" : "127.0.0.1")};
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }

    @Test
    void aNameThatRebindsToLoopbackAfterTheCheckIsNeverConnectedTo() {
        TestReceiver subscriber = opened(new TestReceiver());
        RebindingDns dns = new RebindingDns();
        SubscriberClient client = client(TEST_NET_ONLY, dns, Duration.ofSeconds(2));
        String url = subscriber.url().replace("127.0.0.1", "rebind.example");

        CompletableFuture<SubscriberClient.Response> first = post(client, url);
        await().atMost(WAIT).until(first::isDone);
        assertThat(first).isCompletedExceptionally(); // 192.0.2.1 does not answer
        CompletableFuture<SubscriberClient.Response> second = post(client, url);
        await().atMost(WAIT).until(second::isDone);
        assertThat(second).failsWithin(Duration.ZERO).withThrowableThat().havingRootCause()
                .isInstanceOf(NetworkPolicy.Refused.class).withMessageContaining("127.0.0.1");

        assertThat(dns.lookups).hasValue(2); // one lookup a connection, the one that was checked
        assertThat(subscriber.received()).isEmpty();
    }

    @Test
    void aHangingLookupHoldsUpNeitherTheSenderNorAnotherSubscriber() throws Exception {
        TestReceiver subscriber = opened(new TestReceiver());
        CountDownLatch release = new CountDownLatch(1);
        List<String> askedBy = new CopyOnWriteArrayList<>();
        DnsResolver hanging = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                askedBy.add(Thread.currentThread().getName());
                if (host.equals("hanging.example")) {
                    try {
                        release.await(10, TimeUnit.SECONDS); // a DNS server that does not answer
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new UnknownHostException(host);
                }
                return SystemDefaultDnsResolver.INSTANCE.resolve(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        SubscriberClient client = client(new NetworkPolicy(List.of("127.0.0.1/32")), hanging, Duration.ofSeconds(20));
        try {
            CompletableFuture<SubscriberClient.Response> stuck = post(client, subscriber.url().replace("127.0.0.1", "hanging.example"));
            CompletableFuture<SubscriberClient.Response> other = post(client, subscriber.url());

            await().atMost(WAIT).until(other::isDone);
            assertThat(other.get().status()).isEqualTo(200);
            assertThat(stuck).as("still waiting for its lookup, which held up nothing else").isNotDone();
            assertThat(askedBy).as("lookups run on threads of their own").isNotEmpty()
                    .allMatch(thread -> thread.startsWith("delivery-dns-"));
        } finally {
            release.countDown();
        }
    }

    @Test
    void anAddressWrittenOutIsCheckedAndSentWithoutAskingTheResolver() {
        TestReceiver subscriber = opened(new TestReceiver());
        List<String> asked = new CopyOnWriteArrayList<>();
        DnsResolver recording = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                asked.add(host);
                return SystemDefaultDnsResolver.INSTANCE.resolve(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        SubscriberClient allowed = client(new NetworkPolicy(List.of("127.0.0.1/32")), recording, Duration.ofSeconds(5));
        SubscriberClient refused = client(TEST_NET_ONLY, recording, Duration.ofSeconds(5));

        CompletableFuture<SubscriberClient.Response> sent = post(allowed, subscriber.url());
        CompletableFuture<SubscriberClient.Response> notSent = post(refused, subscriber.url());
        await().atMost(WAIT).until(() -> sent.isDone() && notSent.isDone());

        assertThat(sent).isCompletedWithValueMatching(response -> response.status() == 200);
        assertThat(notSent).failsWithin(Duration.ZERO).withThrowableThat().havingRootCause()
                .isInstanceOf(NetworkPolicy.Refused.class).withMessageContaining("127.0.0.1");
        assertThat(subscriber.received()).hasSize(1);
        assertThat(asked).as("an address needs no lookup").isEmpty();
        assertThat(post(allowed, subscriber.url().replace("127.0.0.1", "localhost"))).succeedsWithin(WAIT);
        assertThat(asked).as("a name is looked up").containsExactly("localhost");
    }

    /** Loopback and "this host" in the spellings the JDK resolver reads, reached through the system's resolver. */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "localhost", "0.0.0.0", "2130706433", "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::]", "[::1]", "127.1", "0x7f.0.0.1"})
    void internalDestinationsAreRefusedAtDeliveryTimeHoweverTheyAreSpelled(String host) {
        TestReceiver subscriber = opened(new TestReceiver());
        SubscriberClient client = client(TEST_NET_ONLY, SystemDefaultDnsResolver.INSTANCE, Duration.ofSeconds(2));

        CompletableFuture<SubscriberClient.Response> sent = post(client, subscriber.url().replace("127.0.0.1", host));
        await().atMost(WAIT).until(sent::isDone);
        assertThat(sent).isCompletedExceptionally();
        assertThat(subscriber.received()).isEmpty();
    }

    @Test
    void aJvmWideProxyIsNeverUsed() {
        TestReceiver subscriber = opened(new TestReceiver());
        TestReceiver proxy = opened(new TestReceiver());
        int proxyPort = URI.create(proxy.url()).getPort();
        ProxySelector before = ProxySelector.getDefault();
        String[] properties = {"http.proxyHost", "http.proxyPort", "https.proxyHost", "https.proxyPort", "http.nonProxyHosts"};
        String[] saved = new String[properties.length];
        for (int i = 0; i < properties.length; i++) {
            saved[i] = System.getProperty(properties[i]);
        }
        try {
            System.setProperty("http.proxyHost", "127.0.0.1");
            System.setProperty("http.proxyPort", Integer.toString(proxyPort));
            System.setProperty("https.proxyHost", "127.0.0.1");
            System.setProperty("https.proxyPort", Integer.toString(proxyPort));
            System.setProperty("http.nonProxyHosts", "");
            ProxySelector.setDefault(new ProxySelector() {
                @Override
                public List<Proxy> select(URI uri) {
                    return List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", proxyPort)));
                }

                @Override
                public void connectFailed(URI uri, SocketAddress address, IOException failure) {
                }
            });
            SubscriberClient client = client(new NetworkPolicy(List.of("127.0.0.1/32")), SystemDefaultDnsResolver.INSTANCE,
                    Duration.ofSeconds(5));

            CompletableFuture<SubscriberClient.Response> sent = post(client, subscriber.url());
            await().atMost(WAIT).until(sent::isDone);
            assertThat(sent.join().status()).isEqualTo(200);
            assertThat(subscriber.received()).hasSize(1);
            // Only this client's request counts: another context's OpenTelemetry exporter, exporting while the
            // JVM-wide proxy is set, may well go through it.
            assertThat(proxy.received()).noneMatch(r -> !String.valueOf(r.header("user-agent")).startsWith("OTel-"));
        } finally {
            ProxySelector.setDefault(before);
            for (int i = 0; i < properties.length; i++) {
                if (saved[i] == null) {
                    System.clearProperty(properties[i]);
                } else {
                    System.setProperty(properties[i], saved[i]);
                }
            }
        }
    }

    /** Headers at once, then the body trickles (no pause long enough for a socket timeout) or stops. */
    @ParameterizedTest
    @ValueSource(strings = {"trickling", "hanging"})
    void aSubscriberThatNeverFinishesItsBodyIsCutOffAtTheDeadline(String mode) {
        TestReceiver subscriber = opened(new TestReceiver());
        if (mode.equals("trickling")) {
            subscriber.tricklingBody();
        } else {
            subscriber.hangingMidBody();
        }
        SubscriberClient client = client(new NetworkPolicy(List.of("127.0.0.1/32")), SystemDefaultDnsResolver.INSTANCE,
                Duration.ofSeconds(1));

        CompletableFuture<SubscriberClient.Response> sent = post(client, subscriber.url());
        await().atMost(Duration.ofSeconds(4)).until(sent::isDone);
        assertThat(subscriber.received()).hasSize(1);
        assertThat(sent).failsWithin(Duration.ZERO).withThrowableThat().havingRootCause()
                .isInstanceOf(TimeoutException.class).withMessageContaining("no complete response");
    }

    @Test
    void aWholeAnswerIsKeptUpToTheExcerptWithItsStatusAndRetryAfter() {
        TestReceiver subscriber = opened(new TestReceiver().answering(n -> new TestReceiver.Reply(429, java.util.Map.of("Retry-After", "7"))));
        SubscriberClient client = client(new NetworkPolicy(List.of("127.0.0.1/32")), SystemDefaultDnsResolver.INSTANCE,
                Duration.ofSeconds(5));

        CompletableFuture<SubscriberClient.Response> sent = post(client, subscriber.url());
        await().atMost(WAIT).until(sent::isDone);
        SubscriberClient.Response response = sent.join();
        assertThat(response.status()).isEqualTo(429);
        assertThat(response.retryAfter()).isEqualTo("7");
        assertThat(new String(response.excerpt())).isEqualTo("ok");
    }
}
