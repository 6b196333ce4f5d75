package io.tributary.ingest;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sources Tributary receives from: {@code tributary.sources.<sourceId>.*}. A source is one
 * provider account; its id is the second path segment of {@code /webhooks/{provider}/{sourceId}} and
 * the last segment of the canonical {@code source}.
 *
 * @param sources the sources by id
 */
@ConfigurationProperties("tributary")
public record SourceProperties(Map<String, Source> sources) {

    public SourceProperties {
        sources = sources == null ? Map.of() : Map.copyOf(sources);
    }

    /**
     * One source.
     *
     * @param provider the provider id it receives from; a list for a source shared by several providers
     *                 (the built-in {@code demo} source)
     * @param tenant   the tenant of its events when the payload names none
     */
    public record Source(List<String> provider, String tenant) {

        public Source {
            provider = provider == null ? List.of() : List.copyOf(provider);
        }

        boolean receives(String providerId) {
            return provider.contains(providerId);
        }
    }
}
