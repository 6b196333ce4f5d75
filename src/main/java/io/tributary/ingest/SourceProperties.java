package io.tributary.ingest;

import java.time.Duration;
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
     * @param provider   the provider id it receives from; a list for a source shared by several providers
     *                   (the built-in {@code demo} source)
     * @param tenant     the tenant of its events when the payload names none (always, with {@code tenant-from: config})
     * @param tenantFrom {@code payload} (default): the tenant the payload names, else {@code tenant};
     *                   {@code config}: always {@code tenant}, whatever the payload says, for a source whose
     *                   payloads should not choose the tenant their events go to
     * @param auth       how its requests prove they come from the provider; required ({@code type: none}
     *                   to accept anyone)
     * @param allowedIps CIDRs requests must come from; empty: any address
     * @param allowedIpPresets named published ranges ({@code dailydraft}) added to {@code allowedIps}
     * @param rateLimit  requests per second accepted from this source (a burst of as many); 0: no limit
     */
    /**
     * The context a kept payload is normalized again in, as it arrived: its provider, source, event key
     * and receive time, and its source's tenant as configured now (none if the source is gone).
     */
    public io.tributary.canonical.EventContext arrivalOf(io.tributary.store.ReceivedPayload received,
                                                         com.fasterxml.jackson.databind.node.ObjectNode payload) {
        Source source = sources.get(received.sourceId());
        String eventKey = received.eventKey() == null || received.eventKey().isBlank() ? null : received.eventKey();
        return new io.tributary.canonical.EventContext(received.provider(), received.sourceId(), source == null ? null : source.tenant(),
                eventKey, payload, received.receivedAt());
    }

    public record Source(List<String> provider, String tenant, String tenantFrom, Auth auth, List<String> allowedIps,
                         List<String> allowedIpPresets, Integer rateLimit) {

        public Source {
            provider = provider == null ? List.of() : List.copyOf(provider);
            tenantFrom = tenantFrom == null || tenantFrom.isBlank() ? "payload" : tenantFrom.trim().toLowerCase(java.util.Locale.ROOT);
            allowedIps = allowedIps == null ? List.of() : List.copyOf(allowedIps);
            allowedIpPresets = allowedIpPresets == null ? List.of() : List.copyOf(allowedIpPresets);
        }

        boolean receives(String providerId) {
            return provider.contains(providerId);
        }

        /** Whether its events' tenant is its configured one, never the payload's. */
        boolean tenantFromConfig() {
            return tenantFrom.equals("config");
        }

        /** @throws IllegalStateException at start when {@code tenant-from} is unknown, or {@code config} with no tenant */
        void validate(String id) {
            if (!tenantFrom.equals("payload") && !tenantFrom.equals("config")) {
                throw new IllegalStateException("source '" + id + "': tenant-from must be payload or config");
            }
            if (tenantFromConfig() && (tenant == null || tenant.isBlank())) {
                throw new IllegalStateException("source '" + id + "': tenant-from: config needs a tenant");
            }
        }
    }

    /**
     * A source's authentication: {@code tributary.sources.<id>.auth.*}. Secrets, tokens and passwords
     * are secrets: never logged. Each may be given inline, as {@code ${ENV_VAR}}, or as
     * {@code file:/path} (the file's content, trimmed); several may be active at once (rotation).
     *
     * @param type       {@code dailydraft-signature}, {@code standard-webhooks}, {@code hmac}, {@code token},
     *                   {@code basic} or {@code none}
     * @param secrets    HMAC secrets ({@code whsec_...} for standard-webhooks), tokens, or Basic passwords
     * @param header     the header carrying the signature or token
     * @param algorithm  for hmac: {@code SHA-256} (default), {@code SHA-1}, {@code SHA-512}
     * @param encoding   for hmac: {@code hex} (default) or {@code base64}
     * @param prefix     for hmac: text before the signature in the header, e.g. {@code sha256=}
     * @param queryParam for token: the query parameter carrying it (default {@code token})
     * @param username   for basic
     * @param tolerance  for standard-webhooks: how far {@code webhook-timestamp} may be from now (default 5m)
     */
    public record Auth(String type, List<String> secrets, String header, String algorithm, String encoding,
                       String prefix, String queryParam, String username, Duration tolerance) {

        public Auth {
            secrets = secrets == null ? List.of() : List.copyOf(secrets);
        }

        @Override
        public String toString() {
            return "Auth[type=" + type + ", secrets=" + secrets.size() + " redacted]";
        }
    }
}
