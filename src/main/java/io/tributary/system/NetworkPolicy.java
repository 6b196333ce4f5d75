package io.tributary.system;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Where deliveries may go: never to loopback, private, link-local (cloud metadata) or other internal
 * addresses ({@link Cidr#INTERNAL}) unless {@code tributary.delivery.allowed-networks} allows them,
 * so a subscription cannot turn Tributary into a way into the network it runs in.
 */
public final class NetworkPolicy {

    private final List<Cidr> allowed;

    public NetworkPolicy(List<String> allowedNetworks) {
        this.allowed = allowedNetworks.stream().map(Cidr::parse).toList();
    }

    public boolean permits(InetAddress address) {
        boolean internal = address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress() || Cidr.anyContains(Cidr.INTERNAL, address);
        return !internal || Cidr.anyContains(allowed, address);
    }

    /**
     * Resolves the URL's host now (through the JVM's DNS cache, which the HTTP client then uses too)
     * and checks every address it names.
     *
     * @return why the destination is refused, or {@code null} when it is allowed
     */
    public String refusal(URI url) {
        String host = url.getHost();
        if (host == null) {
            return "the URL has no host";
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!permits(address)) {
                    return "destination address " + address.getHostAddress() + " is internal and not in tributary.delivery.allowed-networks";
                }
            }
            return null;
        } catch (UnknownHostException e) {
            return null; // not resolvable now: the attempt fails like any DNS failure and is retried
        }
    }

    /** For a URL given to the API: a literal internal address (or localhost) is refused at once. */
    public String literalRefusal(URI url) {
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return permits(InetAddress.getLoopbackAddress()) ? null : "localhost is not an allowed destination";
        }
        try {
            InetAddress address = InetAddress.getByAddress(Cidr.literal(host));
            return permits(address) ? null : "the address " + host + " is internal and not in tributary.delivery.allowed-networks";
        } catch (IllegalArgumentException | UnknownHostException notLiteral) {
            return null; // a name: checked on the resolved address at delivery time
        }
    }
}
