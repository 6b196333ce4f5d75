package io.tributary.store;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The durable store: {@code tributary.store.*}. The JDBC connection itself is
 * {@code tributary.store.url}, {@code .user}, {@code .password} (see application.yaml).
 *
 * @param retention    how long events, quarantine entries, deliveries and dead letters are kept
 * @param purgeEvery   how often rows past the retention are deleted
 * @param eventsInMemory how many events a node keeps in memory once read (new events go only to the
 *                     database; the least recently read are dropped first)
 */
@ConfigurationProperties("tributary.store")
public record StoreProperties(@DefaultValue("30d") Duration retention,
                              @DefaultValue("1h") Duration purgeEvery,
                              @DefaultValue("100000") int eventsInMemory) {
}
