package io.tributary.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * One parsed JSONata expression shared by threads answers wrongly; each evaluation must have a copy of its own.
 * Many threads map different payloads at once and every answer must belong to its own payload.
 */
class ProviderMappingConcurrencyTest {

    @Test
    void concurrentEvaluationsNeverMixPayloads() throws Exception {
        ProviderMapping mapping = new ProviderMapping("t", """
                ( $k := $eventKey; { "who": contact.id, "key": $k, "n": $count(items), "sum": $sum(items.v) } )""");
        ObjectMapper json = new ObjectMapper();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 4000; i++) {
                int n = i % 17 + 1;
                JsonNode payload = json.readTree("{\"contact\":{\"id\":\"c" + i + "\"},\"items\":["
                        + "{\"v\":1},".repeat(n - 1) + "{\"v\":1}]}");
                String key = "k" + i;
                Callable<Boolean> task = () -> {
                    JsonNode out = mapping.evaluate(payload, key);
                    return out.get("who").asText().equals(payload.at("/contact/id").asText())
                            && out.get("key").asText().equals(key)
                            && out.get("n").asInt() == n && out.get("sum").asInt() == n;
                };
                results.add(pool.submit(task));
            }
            long wrong = 0;
            for (Future<Boolean> r : results) {
                wrong += r.get() ? 0 : 1;
            }
            assertThat(wrong).isZero();
        } finally {
            pool.shutdownNow();
        }
    }
}
