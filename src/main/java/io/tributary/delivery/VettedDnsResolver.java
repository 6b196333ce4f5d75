package io.tributary.delivery;

import io.tributary.system.NetworkPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The delivery client's only way from a name to an address: one lookup, every answer checked by the
 * {@link NetworkPolicy}, and the connection made to exactly the addresses checked. There is no second
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

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        return Arrays.stream(resolve(host)).map(address -> new InetSocketAddress(address, port)).toList();
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return dns.resolveCanonicalHostname(host);
    }
}
