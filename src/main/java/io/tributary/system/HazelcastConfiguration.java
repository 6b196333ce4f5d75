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
 * The embedded Hazelcast member that holds the shared state (dedup, events, quarantine, later
 * subscriptions and deliveries). With no {@code tributary.cluster.members} it stands alone; with a
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
     */
    @ConfigurationProperties("tributary.cluster")
    record ClusterProperties(@DefaultValue("tributary") String name,
                             @DefaultValue List<String> members,
                             @DefaultValue("5701") int port) {
    }

    /** @param maps the configuration of every map that is not a plain in-memory map (durable stores, backups) */
    @Bean
    Config hazelcastConfig(ClusterProperties cluster, List<MapConfig> maps) {
        Config config = new Config();
        maps.forEach(config::addMapConfig);
        config.setClusterName(cluster.name());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.getNetworkConfig().setPort(cluster.port()).setPortAutoIncrement(true);
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(!cluster.members().isEmpty()).setMembers(cluster.members());
        if (cluster.members().isEmpty()) {
            // A lone member need not listen beyond this machine.
            config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        }
        return config;
    }
}
