package io.tributary.system;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded Hazelcast member that holds what is shared and in flight (the dedup window,
 * subscriptions, failure runs) and tells who is in the cluster; the database is the record. With no {@code tributary.cluster.members} it stands alone; with a
 * member list it joins those members over TCP. Multicast is always off: a webhook gateway must not
 * join whatever cluster happens to share its network.
 */
@Configuration(proxyBeanMethods = false)
class HazelcastConfiguration {

    /**
     * Cluster settings: {@code tributary.cluster.*}.
     *
     * @param name    cluster name; members with another name never join
     * @param members {@code host[:port]} of the other members; empty for a single node
     * @param port    first port the member listens on (the next free one is taken if busy)
     * @param interfaceAddress the address (or wildcard, e.g. {@code 10.0.*.*}) of the interface the
     *                member binds to; empty: Hazelcast picks one, or loopback when there are no members
     * @param failureDetection how long a silent member is waited for before it is taken for dead and
     *                its work taken over
     */
    @ConfigurationProperties("tributary.cluster")
    record ClusterProperties(@DefaultValue("tributary") String name,
                             @DefaultValue List<String> members,
                             @DefaultValue("5701") int port,
                             String interfaceAddress,
                             @DefaultValue("15s") java.time.Duration failureDetection) {
    }

    /** @param maps the configuration of every map that is not a plain in-memory map (durable stores, backups) */
    @Bean
    Config hazelcastConfig(ClusterProperties cluster, List<MapConfig> maps) {
        Config config = new Config();
        maps.forEach(config::addMapConfig);
        config.setClusterName(cluster.name());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        // Spring stops the member, after Tomcat has answered the webhooks in progress: Hazelcast's own
        // JVM hook would stop it at SIGTERM while they still run.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.getNetworkConfig().setPort(cluster.port()).setPortAutoIncrement(true);
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(!cluster.members().isEmpty()).setMembers(cluster.members());
        String bind = cluster.interfaceAddress() != null && !cluster.interfaceAddress().isBlank() ? cluster.interfaceAddress()
                : cluster.members().isEmpty() ? "127.0.0.1" : null; // a lone member need not listen beyond this machine
        if (bind != null) {
            config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(bind);
            config.setProperty("hazelcast.socket.bind.any", "false");
        }
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(Math.max(2, cluster.failureDetection().toSeconds())));
        return config;
    }
}
