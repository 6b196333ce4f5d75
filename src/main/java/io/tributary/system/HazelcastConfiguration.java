package io.tributary.system;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.InterfacesConfig;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded Hazelcast member that holds what is shared and in flight (subscriptions, failure
 * runs) and tells who is in the cluster; the database is the record. With no
 * {@code tributary.cluster.members} it stands alone on loopback; with a member list it joins those
 * members over TCP, on the one interface it is told. Multicast is always off: a webhook gateway must
 * not join whatever cluster happens to share its network.
 *
 * <p>The open-source member neither authenticates nor encrypts member traffic (that is Hazelcast
 * Enterprise): anyone who reaches the port with the cluster name can join. What this configuration
 * does is keep the port off every other interface, speak no client protocol on it, and refuse to
 * deserialise foreign Java classes; the network must do the rest (README, "Durability and clusters").
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
     *                member binds to, and only to; empty: loopback for a single node, required for a
     *                cluster
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

    /**
     * @param maps        the configuration of every map that is not a plain in-memory map (durable stores, backups)
     * @param ringbuffers the configuration of every ring buffer (their capacity)
     */
    @Bean
    Config hazelcastConfig(ClusterProperties cluster, List<MapConfig> maps, List<RingbufferConfig> ringbuffers) {
        Config config = new Config();
        maps.forEach(config::addMapConfig);
        ringbuffers.forEach(config::addRingBufferConfig);
        config.setClusterName(cluster.name());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        // Spring stops the member, after Tomcat has answered the webhooks in progress: Hazelcast's own
        // JVM hook would stop it at SIGTERM while they still run.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        // The member port speaks the member protocol only: with the advanced network configuration and
        // no client endpoint, nothing can connect as a Hazelcast client (Tributary uses none) to read
        // or write the maps. REST and memcache stay off, as by default.
        AdvancedNetworkConfig network = config.getAdvancedNetworkConfig().setEnabled(true);
        network.setMemberEndpointConfig(new ServerSocketEndpointConfig().setPort(cluster.port()).setPortAutoIncrement(true)
                .setInterfaces(new InterfacesConfig().setEnabled(true).addInterface(bindAddress(cluster))));
        config.setProperty("hazelcast.socket.bind.any", "false");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(!cluster.members().isEmpty()).setMembers(cluster.members());
        // Values are Tributary's own or Hazelcast's and the JDK's (strings, numbers); no member
        // deserialises a Java-serialised object of any other class, whoever sent it.
        config.getSerializationConfig().setJavaSerializationFilterConfig(new JavaSerializationFilterConfig()
                .setDefaultsDisabled(false)
                .setWhitelist(new ClassFilter().addPrefixes("io.tributary.")));
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(Math.max(2, cluster.failureDetection().toSeconds())));
        return config;
    }

    /**
     * The interface the member port listens on, and on no other: the configured one, or loopback for a
     * lone member. A cluster must name it: Hazelcast's own choice, or all interfaces, would put the
     * unauthenticated member port on whatever network the host has.
     */
    static String bindAddress(ClusterProperties cluster) {
        if (cluster.interfaceAddress() != null && !cluster.interfaceAddress().isBlank()) {
            return cluster.interfaceAddress().trim();
        }
        if (cluster.members().isEmpty()) {
            return "127.0.0.1";
        }
        throw new IllegalStateException("tributary.cluster.interface-address (env TRIBUTARY_CLUSTER_INTERFACE_ADDRESS) must name "
                + "the private interface the cluster talks on, e.g. 10.0.1.5 or 10.0.*.*, when tributary.cluster.members is set: "
                + "the member port is neither authenticated nor encrypted");
    }
}
