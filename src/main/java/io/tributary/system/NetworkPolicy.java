package io.tributary.system;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where deliveries may go: never to loopback, private, link-local (cloud metadata) or other internal
 * addresses ({@link Cidr#INTERNAL}) unless {@code tributary.delivery.allowed-networks} allows them,
 * so a subscription cannot turn Tributary into a way into the network it runs in. Checked on a URL's
 * literal address when a subscription is written, and on every address a name resolves to when a
 * delivery connects (the delivery client's resolver, which connects to exactly those addresses).
 */
public final class NetworkPolicy {

    /** A host whose last label is a number is an IPv4 address to browsers, curl and libc (WHATWG URL, inet_aton). */
    private static final Pattern NUMERIC_HOST = Pattern.compile("(?i)(.*\\.)?(0x[0-9a-f]*|[0-9]+)\\.?");
    /** The one spelling of an IPv4 address every parser reads alike: four decimal parts, no leading zeros. */
    private static final Pattern CANONICAL_IPV4 = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
            + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    private final List<Cidr> allowed;

    public NetworkPolicy(List<String> allowedNetworks) {
        this.allowed = allowedNetworks.stream().map(Cidr::parse).toList();
    }

    /**
     * Whether a delivery may connect to this address. An IPv6 address that stands for an IPv4 one
     * (NAT64, 6to4, IPv4-compatible) must pass as itself and as the IPv4 address it reaches: allowing
     * {@code 64:ff9b::/96} for an IPv6-only cluster does not open the internal IPv4 networks behind it.
     */
    public boolean permits(InetAddress address) {
        boolean internal = address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress() || Cidr.anyContains(Cidr.INTERNAL, address);
        if (internal && !Cidr.anyContains(allowed, address)) {
            return false;
        }
        InetAddress embedded = Cidr.embeddedIpv4(address);
        return embedded == null || permits(embedded);
    }

    /**
     * Checks what a name resolved to, for the connection that uses exactly these addresses.
     *
     * @throws Refused naming the first address that is not permitted
     */
    public InetAddress[] check(String host, InetAddress[] addresses) throws Refused {
        for (InetAddress address : addresses) {
            if (!permits(address)) {
                throw new Refused(host, address);
            }
        }
        return addresses;
    }

    /**
     * A destination refused by the policy. An {@link UnknownHostException}, so that whatever resolves
     * through the policy treats a refused name like one that does not resolve: no connection.
     */
    public static final class Refused extends UnknownHostException {
        public Refused(String host, InetAddress address) {
            super("destination address " + address.getHostAddress() + " of " + host
                    + " is internal and not in tributary.delivery.allowed-networks");
        }
    }

    /**
     * For a URL given to the API: a literal internal address (or localhost) is refused at once, and so
     * is an IPv4 address spelled any way but the canonical one ({@code 2130706433}, {@code 0177.0.0.1},
     * {@code 0x7f.0.0.1}, {@code 127.1}, {@code 127.000.000.001}): parsers disagree on what those mean
     * (the JDK reads {@code 0177} as 177, libc and browsers as 127), so no check can vouch for them.
     */
    public String literalRefusal(URI url) {
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        if (NUMERIC_HOST.matcher(host).matches() && !CANONICAL_IPV4.matcher(host).matches()) {
            return "the host " + host + " is an IPv4 address in a non-canonical spelling; write it as four decimal numbers";
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.equals("localhost") || name.endsWith(".localhost")) {
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
