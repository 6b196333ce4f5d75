package io.tributary.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.canonical.CanonicalEventValidator;
import io.tributary.canonical.EventContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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

/**
 * The mapping step of every provider on JSONata4Java (parsed once, one parsed expression per thread),
 * alone and with the envelope and schema check (normalize); beside it ({@link HandWrittenFloor})
 * Mailstand mapped by hand with Jackson, the floor JSONata is compared to. Two threads, as on the 2-core benchmark machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(2)
public class MappingBenchmark {

    @Param({"mailstand/click", "dailystory/email_opened", "dailydraft/email_opened", "workspace/delivery-clicked",
            "groupmail/message_clicked"})
    public String sample;

    private MappingRegistry registry;
    private EventNormalizer normalizer;
    private String provider;
    private String eventKey;
    private JsonNode payload;

    @Setup
    public void setUp() throws Exception {
        registry = MappingRegistry.load("file:mappings");
        normalizer = new EventNormalizer(registry, new CanonicalEventValidator());
        provider = sample.substring(0, sample.indexOf('/'));
        payload = new ObjectMapper().readTree(Files.readString(Path.of("samples", sample + ".json")));
        Path request = Path.of("samples", sample + ".request.json");
        eventKey = Files.exists(request) ? new ObjectMapper().readTree(request.toFile()).get("eventKey").asText() : null;
    }

    @Benchmark
    public JsonNode jsonata() {
        return registry.evaluate(provider, payload, eventKey);
    }

    @Benchmark
    public Normalization normalize() {
        return normalizer.normalize(new EventContext(provider, "bench", "bench", eventKey, payload, Instant.now()));
    }

    /**
     * The floor: the Mailstand click mapped by hand with Jackson, no expression language (the same
     * output as mappings/mailstand/mapping.jsonata for a click). Not per sample: one run.
     */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Threads(2)
    public static class HandWrittenFloor {
        private ObjectNode click;

        @Setup
        public void setUp() throws Exception {
            click = (ObjectNode) new ObjectMapper().readTree(Files.readString(Path.of("samples/mailstand/click.json")));
        }

        @Benchmark
        public ObjectNode handWrittenMailstandClick() {
            return HandMappedMailstand.map(click);
        }
    }

    static final class HandMappedMailstand {
        private static final ObjectMapper JSON = new ObjectMapper();

        static ObjectNode map(ObjectNode p) {
            ObjectNode out = JSON.createObjectNode();
            String type = p.path("type").asText();
            out.put("type", switch (type) {
                case "send" -> "message.sent";
                case "click" -> "message.clicked";
                case "open" -> "message.opened";
                default -> null;
            });
            out.put("providerevent", type);
            out.put("id", p.path("id").asText());
            out.set("time", p.get("created_at"));
            out.put("tenant", p.path("workspace_id").asText());
            ObjectNode data = out.putObject("data");
            data.put("channel", "email");
            data.putObject("contact").put("id", p.path("to").asText()).put("email", p.path("to_email").asText());
            data.putObject("message").put("id", p.path("msg").asText()).put("uid", p.path("uni_id").asText())
                    .put("thread", p.path("cnv").asText()).put("subject", p.path("subject").asText())
                    .put("text", p.path("text").asText()).put("html", p.path("html").asText());
            data.putObject("campaign").put("id", p.path("campaign_id").asText()).put("name", p.path("campaign_name").asText());
            data.putObject("mailbox").put("id", p.path("mailbox_id").asText()).put("email", p.path("mailbox_email").asText());
            return out;
        }
    }
}
