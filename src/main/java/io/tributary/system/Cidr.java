package io.tributary.system;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * An IPv4 or IPv6 network, {@code 10.0.0.0/8} or {@code ::1/128}; a bare address is a network of one.
 * Parsing takes literal addresses only: no name is ever looked up.
 */
public record Cidr(byte[] network, int prefix) {

    /** Loopback, private, link-local (cloud metadata at 169.254.169.254 among them), carrier-grade NAT,
     * unique-local IPv6, and "this network": where a delivery must not go unless allowed. */
    public static final List<Cidr> INTERNAL = List.of(
            parse("0.0.0.0/8"), parse("10.0.0.0/8"), parse("100.64.0.0/10"), parse("127.0.0.0/8"),
            parse("169.254.0.0/16"), parse("172.16.0.0/12"), parse("192.168.0.0/16"), parse("198.18.0.0/15"),
            parse("::/128"), parse("::1/128"), parse("fc00::/7"), parse("fe80::/10"));
    // IPv4-mapped IPv6 addresses come out of InetAddress as IPv4 and meet the IPv4 ranges.

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
        byte[] a = address.getAddress();
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

    /** A literal IPv4 or IPv6 address as bytes; anything else (a host name) is refused. */
    public static byte[] literal(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean ipv4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean ipv6 = t.contains(":") && t.matches("[0-9a-fA-F:.%]+");
        if (!ipv4 && !ipv6) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        try {
            return InetAddress.getByName(t).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text, e);
        }
    }
}
