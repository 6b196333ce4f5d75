package io.tributary.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.subscription.SigningSecret;
import io.tributary.subscription.Subscription;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/** The outbound request of one attempt: serialization in either format and the Standard Webhooks signature. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(2)
public class OutboundBenchmark {

    @Param({"structured", "binary"})
    public String format;

    private OutboundRequests requests;
    private Subscription subscription;
    private ObjectNode event;

    @Setup
    public void setUp() throws Exception {
        ObjectMapper json = new ObjectMapper();
        requests = new OutboundRequests(json, "Tributary/bench");
        event = (ObjectNode) json.readTree(Files.readString(Path.of("samples/mailstand/click.expected.json")));
        subscription = new Subscription("sub_bench", "https://subscriber.example/hook", List.of(), List.of(), List.of(), null,
                List.of(new SigningSecret(SigningSecret.generate(), null)), format, Map.of("X-Team", "growth"), false, null,
                Instant.now(), Instant.now());
    }

    @Benchmark
    public SimpleHttpRequest buildSignedRequest() {
        return requests.build(event.path("id").asText(), event, subscription, Instant.now());
    }
}
