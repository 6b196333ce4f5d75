package io.tributary.store;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The durable store: {@code tributary.store.*}. The JDBC connection itself is
 * {@code tributary.store.url}, {@code .user}, {@code .password} (see application.yaml).
 *
 * @param retention    how long settled history (events, quarantine entries, settled deliveries, dead
 *                     letters) is kept; unsettled deliveries and their events are kept until settled
 * @param purgeEvery   how often rows past the retention are deleted
 * @param writeTimeout how long a write may take before its caller gives up on it (a webhook then
 *                     answers 503 with Retry-After); the write may still commit, and is then found
 * @param readTimeout  how long any other statement may wait for the database's answer before its connection
 *                     is closed and the statement fails (a JDBC network timeout, so a query that takes longer
 *                     fails too; PostgreSQL only, as H2 in this process has no network); 0 for none.
 *                     Migrations at start-up have none
 */
@ConfigurationProperties("tributary.store")
public record StoreProperties(@DefaultValue("30d") Duration retention,
                              @DefaultValue("1h") Duration purgeEvery,
                              @DefaultValue("10s") Duration writeTimeout,
                              @DefaultValue("60s") Duration readTimeout) {
}
