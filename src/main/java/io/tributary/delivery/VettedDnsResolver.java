package io.tributary.delivery;

import io.tributary.system.Cidr;
import io.tributary.system.NetworkPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The delivery client's only way from a name to an address: one lookup, every answer checked by the
 * {@link NetworkPolicy}, and the connection made to exactly the addresses checked. An address written
 * out in the URL is checked as it is ({@link #literal}). There is no second
 * lookup between the check and the connect for a rebinding DNS server to answer differently, and no
 * unresolved address is ever handed on for the socket layer to look up by itself.
 */
final class VettedDnsResolver implements DnsResolver {

    private final DnsResolver dns;
    private final NetworkPolicy network;

    VettedDnsResolver(DnsResolver dns, NetworkPolicy network) {
        this.dns = dns;
        this.network = network;
    }

    /** @throws NetworkPolicy.Refused when any address the name resolves to is not permitted */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = dns.resolve(host);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(host);
        }
        return network.check(host, addresses.clone());
    }

    /**
     * A literal address ({@link Cidr#isLiteral}), checked by the policy without asking the resolver:
     * there is nothing to look up, so nothing that could hang.
     *
     * @throws NetworkPolicy.Refused when the address is not permitted
     * @throws IllegalArgumentException when the host is a name, not an address
     */
    InetAddress[] literal(String host) throws UnknownHostException {
        return network.check(host, new InetAddress[] {InetAddress.getByAddress(host, Cidr.literal(host))});
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        return Arrays.stream(resolve(host)).map(address -> new InetSocketAddress(address, port)).toList();
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return dns.resolveCanonicalHostname(host);
    }
}
