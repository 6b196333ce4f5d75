package io.tributary.system;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * An IPv4 or IPv6 network, {@code 10.0.0.0/8} or {@code ::1/128}; a bare address is a network of one.
 * Parsing takes literal addresses only: no name is ever looked up.
 */
public record Cidr(byte[] network, int prefix) {

    /**
     * Compiled once: the webhook path checks the client's address against the trusted proxies.
     * Declared before the ranges below, which are parsed with them.
     */
    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("[0-9a-fA-F:.%]+");

    /** IPv6 networks whose addresses carry an IPv4 address a gateway or the host itself would reach. */
    private static final Cidr NAT64 = parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = parse("2002::/16");
    private static final Cidr IPV4_COMPATIBLE = parse("::/96");

    /**
     * Where a delivery must not go unless allowed: "this network", private, carrier-grade NAT,
     * loopback, link-local (cloud metadata at 169.254.169.254 among them), IETF protocol assignments,
     * benchmarking, multicast, reserved and broadcast, Azure's WireServer; and in IPv6 the
     * IPv4-compatible, NAT64 (well-known and local-use), Teredo and 6to4 forms (which reach IPv4
     * addresses through a gateway or the host), discard-only, unique-local, link-local and multicast.
     * IPv4-mapped addresses ({@code ::ffff:0:0/96}) need no entry: the JDK turns them into the IPv4
     * address they map, which meets the IPv4 ranges.
     */
    public static final List<Cidr> INTERNAL = List.of(
            parse("0.0.0.0/8"), parse("10.0.0.0/8"), parse("100.64.0.0/10"), parse("127.0.0.0/8"),
            parse("169.254.0.0/16"), parse("172.16.0.0/12"), parse("192.0.0.0/24"), parse("192.168.0.0/16"),
            parse("198.18.0.0/15"), parse("224.0.0.0/4"), parse("240.0.0.0/4"), parse("168.63.129.16/32"),
            IPV4_COMPATIBLE, NAT64, parse("64:ff9b:1::/48"), parse("100::/64"),
            parse("2001::/32"), SIX_TO_FOUR, parse("fc00::/7"), parse("fe80::/10"), parse("ff00::/8"));

    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        byte[] address = literal(slash < 0 ? t : t.substring(0, slash));
        int prefix = slash < 0 ? address.length * 8 : Integer.parseInt(t.substring(slash + 1));
        if (prefix < 0 || prefix > address.length * 8) {
            throw new IllegalArgumentException("bad prefix in " + text);
        }
        return new Cidr(address, prefix);
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    private boolean contains(byte[] a) {
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    public static boolean anyContains(List<Cidr> networks, InetAddress address) {
        return networks.stream().anyMatch(n -> n.contains(address));
    }

    /**
     * The IPv4 address an IPv6 address stands for, where a gateway or the host translates it: NAT64
     * {@code 64:ff9b::a.b.c.d}, 6to4 {@code 2002:AABB:CCDD::}, IPv4-compatible {@code ::a.b.c.d} and
     * IPv4-mapped {@code ::ffff:a.b.c.d} (which the JDK already turns into an IPv4 address); else null.
     */
    public static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] a = address.getAddress();
        byte[] v4;
        if (NAT64.contains(a) || IPV4_COMPATIBLE.contains(a) || isMapped(a)) {
            v4 = Arrays.copyOfRange(a, 12, 16);
        } else if (SIX_TO_FOUR.contains(a)) {
            v4 = Arrays.copyOfRange(a, 2, 6);
        } else {
            return null;
        }
        try {
            return InetAddress.getByAddress(v4);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static boolean isMapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    /** Whether the text is an IPv4 or IPv6 address written out (in brackets or not), which {@link #literal} reads without a lookup. */
    public static boolean isLiteral(String text) {
        String t = unbracketed(text);
        return IPV4.matcher(t).matches() || (t.contains(":") && IPV6.matcher(t).matches());
    }

    /** A literal IPv4 or IPv6 address as bytes; anything else (a host name) is refused. */
    public static byte[] literal(String text) {
        if (!isLiteral(text)) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        try {
            return InetAddress.getByName(unbracketed(text)).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text, e);
        }
    }

    private static String unbracketed(String text) {
        return text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    }
}
