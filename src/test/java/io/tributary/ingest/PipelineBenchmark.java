package io.tributary.ingest;

import io.tributary.system.PayloadParser;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.TributaryApplication;
import io.tributary.canonical.EventContext;
import io.tributary.delivery.DeliveryDispatcher;
import io.tributary.mapping.EventNormalizer;
import io.tributary.mapping.Normalization;
import io.tributary.store.EventStore;
import io.tributary.store.ReceivedPayload;
import io.tributary.store.StoredEvent;
import io.tributary.subscription.SubscriptionRequest;
import io.tributary.subscription.Subscriptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.DefaultExchange;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The inbound pipeline in process, without HTTP: verify the signature on the raw bytes, parse,
 * deduplicate, map, validate, store durably (the event and its delivery in one transaction of the
 * journal, to the H2 file, then into Hazelcast), and fan out to one (paused) subscription. What a
 * request costs beyond the server stack. 32 threads, as a server has requests in flight: the
 * journal commits what they wrote meanwhile together.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(32)
public class PipelineBenchmark {

    private static final String SECRET = "bench-secret-of-24-bytes";

    private ConfigurableApplicationContext app;
    private InboundVerifier verifier;
    private PayloadParser parser;
    private EventNormalizer normalizer;
    private IdempotentRepository dedup;
    private EventStore store;
    private DeliveryDispatcher dispatcher;
    private CamelContext camel;
    private final AtomicLong sequence = new AtomicLong();

    @Setup(Level.Trial)
    public void start() throws Exception {
        var data = Files.createTempDirectory("tributary-pipeline");
        app = new SpringApplicationBuilder(TributaryApplication.class)
                .run("--server.port=0", "--tributary.store.data-dir=" + data, "--logging.level.root=WARN",
                        "--tributary.store.url=" + System.getProperty("bench.store.url", "jdbc:h2:file:" + data + "/tributary;WRITE_DELAY=0;CACHE_SIZE=1024"));
        verifier = InboundVerifiers.of("bench", new SourceProperties.Auth("dailydraft-signature", List.of(SECRET),
                null, null, null, null, null, null, null));
        parser = app.getBean(PayloadParser.class);
        normalizer = app.getBean(EventNormalizer.class);
        dedup = app.getBean("dedupRepository", IdempotentRepository.class);
        store = app.getBean(EventStore.class);
        dispatcher = app.getBean(DeliveryDispatcher.class);
        camel = app.getBean(CamelContext.class);
        app.getBean(Subscriptions.class).create(new SubscriptionRequest("https://subscriber.example/hook", null, null,
                List.of("bench"), null, null, null, Map.of(), true));
    }

    @TearDown(Level.Trial)
    public void stop() {
        app.close();
    }

    /** One request, as the webhook route runs it; the signature is computed outside the measured work's intent but inside the loop. */
    @Benchmark
    public Normalization receiveVerifyMapStoreFanOut() throws Exception {
        long n = sequence.incrementAndGet();
        byte[] body = ("{\"event\":\"email.opened\",\"timestamp\":\"2025-01-10T12:05:00Z\",\"newsletter_id\":\"bench\","
                + "\"data\":{\"issue_id\":42,\"subscription_id\":" + n + ",\"email\":\"reader" + n + "@example.com\","
                + "\"opened_at\":\"2025-01-10T12:05:00Z\"}}").getBytes(StandardCharsets.UTF_8);
        String signature = sign(body);
        InboundVerifier.Request request = new InboundVerifier.Request() {
            public byte[] body() {
                return body;
            }

            public String header(String name) {
                return "X-DailyDraft-Signature".equalsIgnoreCase(name) ? signature : null;
            }

            public String query(String name) {
                return null;
            }
        };
        if (!verifier.verify(request, Instant.now())) {
            throw new IllegalStateException("signature");
        }
        ObjectNode payload = parser.parseObject(body);
        Normalization result = normalizer.normalize(new EventContext("dailydraft", "bench", "bench", null, payload, Instant.now()));
        if (result instanceof Normalization.Normalized ok && !dedup.contains(ok.id())) {
            ReceivedPayload received = new ReceivedPayload("dailydraft", "bench", null, Instant.now(), Map.of(),
                    new String(body, StandardCharsets.UTF_8));
            store.saveNew(new StoredEvent(ok.id(), ok.event(), received), dispatcher.plan(ok.event()));
            dedup.add(ok.id());
        }
        return result;
    }

    private static String sign(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }
}
