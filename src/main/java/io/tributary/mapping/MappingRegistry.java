package io.tributary.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.system.JsonataBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The JSONata mapping of every known provider. A provider is known exactly when it has a mapping:
 * {@code mappings/<provider>/mapping.jsonata} on the classpath, or in the directory named by
 * {@code tributary.mappings.location}, which overrides the built-in one of the same provider.
 */
public final class MappingRegistry {

    private final Map<String, ProviderMapping> byProvider;
    private final JsonataBudget budget;

    /** @param expressions mapping text by provider id; each is parsed now, so a broken one fails start-up */
    public MappingRegistry(Map<String, String> expressions) {
        this(expressions, JsonataBudget.DEFAULT);
    }

    /**
     * @param expressions mapping text by provider id; each is parsed now, so a broken one fails start-up
     * @param budget      what one evaluation may spend; a payload that makes a mapping go over it is
     *                    quarantined as {@code mapping_error}
     */
    public MappingRegistry(Map<String, String> expressions, JsonataBudget budget) {
        Map<String, ProviderMapping> parsed = new TreeMap<>();
        expressions.forEach((provider, text) -> parsed.put(provider, new ProviderMapping(provider, text, budget)));
        this.byProvider = Map.copyOf(parsed);
        this.budget = budget;
    }

    private MappingRegistry(JsonataBudget budget, Map<String, ProviderMapping> byProvider) {
        this.byProvider = Map.copyOf(byProvider);
        this.budget = budget;
    }

    /**
     * These mappings with one provider's replaced by {@code text} (or added), under the same budget:
     * what a mapping being written would do, beside the live ones.
     *
     * @throws IllegalStateException when the text does not parse
     */
    public MappingRegistry with(String provider, String text) {
        Map<String, ProviderMapping> copy = new TreeMap<>(byProvider);
        copy.put(provider, new ProviderMapping(provider, text, budget));
        return new MappingRegistry(budget, copy);
    }

    /** The {@link MappingVersion} of a provider's mapping. */
    public java.util.Optional<String> version(String provider) {
        return java.util.Optional.ofNullable(byProvider.get(provider)).map(ProviderMapping::version);
    }

    /** The text of a provider's mapping, as loaded. */
    public java.util.Optional<String> text(String provider) {
        return java.util.Optional.ofNullable(byProvider.get(provider)).map(ProviderMapping::text);
    }

    /**
     * Loads every {@code <dir>/<provider>/mapping.jsonata} under the given locations; a later location
     * overrides an earlier one for the same provider.
     *
     * @param locations Spring resource locations of mapping roots, e.g. {@code classpath*:mappings},
     *                  {@code file:/etc/tributary/mappings}
     */
    public static MappingRegistry load(String... locations) {
        return load(JsonataBudget.DEFAULT, locations);
    }

    /** As {@link #load(String...)}, every mapping evaluated under the budget. */
    public static MappingRegistry load(JsonataBudget budget, String... locations) {
        var resolver = new PathMatchingResourcePatternResolver();
        Map<String, String> expressions = new LinkedHashMap<>();
        try {
            for (String location : locations) {
                for (Resource r : resolver.getResources(location + "/*/mapping.jsonata")) {
                    String folder = r.getURL().toString();
                    String provider = folder.substring(0, folder.lastIndexOf('/'));
                    provider = provider.substring(provider.lastIndexOf('/') + 1);
                    expressions.put(provider, r.getContentAsString(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MappingRegistry(expressions, budget);
    }

    public boolean knows(String provider) {
        return provider != null && byProvider.containsKey(provider);
    }

    public Set<String> providers() {
        return new java.util.TreeSet<>(byProvider.keySet());
    }

    JsonNode evaluate(String provider, JsonNode payload, String eventKey) {
        ProviderMapping mapping = byProvider.get(provider);
        if (mapping == null) {
            throw new IllegalArgumentException("no mapping for provider " + provider);
        }
        return mapping.evaluate(payload, eventKey);
    }
}
