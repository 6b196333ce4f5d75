package io.tributary.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import io.tributary.BuiltJar;
import io.tributary.LocalAddresses;
import io.tributary.system.HazelcastConfiguration.ClusterProperties;
import java.io.IOException;
import java.io.Serializable;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.LinkedMultiValueMap;

/**
 * Tributary's Hazelcast member, real and embedded: its port listens on the configured interface only,
 * a cluster must name that interface, the port speaks no client protocol, and Java deserialisation
 * takes Tributary's own classes (and the JDK's and Hazelcast's) but no other.
 */
class HazelcastMemberTest {

    /** A class of Tributary's own that Java serialisation may carry. */
    record Own(String value) implements Serializable {
    }

    private final List<HazelcastInstance> members = new ArrayList<>();
    private final String name = "tributary-test-" + UUID.randomUUID();

    @AfterEach
    void shutdown() {
        members.forEach(HazelcastInstance::shutdown);
    }

    private HazelcastInstance start(int port, List<String> others, String interfaceAddress) {
        ClusterProperties cluster = new ClusterProperties(name, others, port, interfaceAddress, Duration.ofSeconds(15));
        HazelcastInstance member = Hazelcast.newHazelcastInstance(new HazelcastConfiguration().hazelcastConfig(cluster, List.of(), List.of()));
        members.add(member);
        return member;
    }

    @Test
    void aLoneMemberListensOnLoopbackOnly() {
        int port = BuiltJar.freePort();
        HazelcastInstance member = start(port, List.of(), null);
        int bound = member.getCluster().getLocalMember().getAddress().getPort();
        assertThat(member.getCluster().getLocalMember().getAddress().getHost()).isEqualTo("127.0.0.1");
        assertThat(reachable(InetAddress.getLoopbackAddress(), bound)).isTrue();
        assertThat(reachable(nonLoopbackAddress(), bound)).as("the member port from the network").isFalse();
    }

    @Test
    void aClusterListensOnItsConfiguredInterfaceOnlyAndStillForms() {
        int first = BuiltJar.freePort();
        int second = BuiltJar.freePort();
        List<String> all = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
        HazelcastInstance one = start(first, all, "127.0.0.1");
        HazelcastInstance two = start(second, all, "127.0.0.1");
        await().atMost(Duration.ofSeconds(60)).until(() -> one.getCluster().getMembers().size() == 2);
        for (HazelcastInstance member : List.of(one, two)) {
            assertThat(member.getCluster().getLocalMember().getAddress().getHost()).isEqualTo("127.0.0.1");
            assertThat(reachable(nonLoopbackAddress(), member.getCluster().getLocalMember().getAddress().getPort())).isFalse();
        }
    }

    @Test
    void aClusterWithoutAnInterfaceDoesNotStart() {
        ClusterProperties cluster = new ClusterProperties(name, List.of("10.0.0.2:5701"), 5701, " ", Duration.ofSeconds(15));
        assertThatThrownBy(() -> new HazelcastConfiguration().hazelcastConfig(cluster, List.of(), List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tributary.cluster.interface-address");
    }

    @Test
    void theMemberPortTakesNoClient() throws Exception {
        HazelcastInstance member = start(BuiltJar.freePort(), List.of(), null);
        var address = member.getCluster().getLocalMember().getAddress();
        assertThat(reachable(InetAddress.getByName(address.getHost()), address.getPort())).as("the port is open").isTrue();
        ClientConfig client = new ClientConfig().setClusterName(name);
        client.getNetworkConfig().addAddress(address.getHost() + ":" + address.getPort());
        client.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(3_000);
        assertThatThrownBy(() -> HazelcastClient.newHazelcastClient(client).shutdown()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void javaDeserialisationTakesOnlyAllowedClasses() {
        HazelcastInstance member = start(BuiltJar.freePort(), List.of(), null);
        var map = member.<String, Object>getMap("probe");

        map.put("own", new Own("x"));
        assertThat(map.get("own")).isEqualTo(new Own("x"));
        map.put("jdk", new java.util.TreeMap<>(java.util.Map.of("a", 1)));
        assertThat(map.get("jdk")).isEqualTo(java.util.Map.of("a", 1));

        // Serialisable, and of a library on the class path: the kind of class a gadget chain is made of.
        LinkedMultiValueMap<String, String> foreign = new LinkedMultiValueMap<>();
        foreign.add("a", "b");
        map.put("foreign", foreign);
        assertThatThrownBy(() -> map.get("foreign")).isInstanceOf(HazelcastSerializationException.class)
                .hasRootCauseInstanceOf(SecurityException.class);
    }

    private static InetAddress nonLoopbackAddress() {
        var address = LocalAddresses.nonLoopback();
        assumeThat(address).as("an address of this machine that is not loopback").isPresent();
        return address.get();
    }

    private static boolean reachable(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
