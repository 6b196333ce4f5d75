package io.tributary.ingest;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Inbound limits and deduplication: {@code tributary.ingest.*}.
 *
 * @param maxBodySize largest webhook body accepted; larger ones get 413 before they are read whole
 * @param dedupWindow how long a provider delivery is remembered, so that the provider's retries of it
 *                    are answered {@code duplicate}; longer than the slowest provider retry schedule
 *                    (DailyDraft retries for about 27 hours)
 * @param dedupMaxEntries most keys the dedup window keeps per member (about 250 bytes each); beyond it
 *                    the least recently used are dropped, and the store answers their retries instead
 * @param maxDepth    deepest JSON nesting accepted in a body
 * @param maxStringLength longest JSON string accepted in a body
 * @param maxBatch    most payloads one request may carry as a JSON array; more get 413
 * @param trustedProxies CIDRs of the proxies whose {@code X-Forwarded-For} is believed; empty: none
 * @param bodyReadTimeout longest a webhook body may take to arrive once its head came; a body still
 *                    coming then gets 408 and its connection is closed (a slow client holds no request
 *                    thread longer)
 * @param authFailureRateLimit failed authentications per second (a burst of as many) answered 401 and
 *                    logged for one client address; past it they get 429 and are only counted.
 *                    Authenticated requests are never refused for it, and spend their source's own
 *                    rate limit; 0: no limit
 * @param stopGrace   how long a stop keeps the port open, answering every webhook 503 with
 *                    {@code Retry-After}, before the web server's graceful shutdown closes it: a
 *                    connection the kernel completed but Tomcat had not yet taken (or read) when the
 *                    stop began is answered then, instead of being reset when the port closes
 */
@ConfigurationProperties("tributary.ingest")
public record IngestProperties(
        @DefaultValue("1MB") DataSize maxBodySize,
        @DefaultValue("48h") Duration dedupWindow,
        @DefaultValue("50000") int dedupMaxEntries,
        @DefaultValue("64") int maxDepth,
        @DefaultValue("256KB") DataSize maxStringLength,
        @DefaultValue("1000") int maxBatch,
        @DefaultValue java.util.List<String> trustedProxies,
        @DefaultValue("10s") Duration bodyReadTimeout,
        @DefaultValue("100") int authFailureRateLimit,
        @DefaultValue("250ms") Duration stopGrace) {
}
