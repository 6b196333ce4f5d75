package io.tributary;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Comparator;
import java.util.Optional;

/**
 * This machine's own addresses that are not loopback: a peer that is not on loopback, or a port that
 * must not be reachable from the network, without a second machine.
 */
public final class LocalAddresses {

    private LocalAddresses() {
    }

    /**
     * An address of this machine that is not loopback nor link-local; a private one first (IPv6 ULA,
     * then RFC 1918), the kind a platform's own proxies and pods have.
     */
    public static Optional<InetAddress> nonLoopback() {
        try {
            return NetworkInterface.networkInterfaces().filter(LocalAddresses::isUp).flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress())
                    .min(Comparator.comparingInt(LocalAddresses::preference));
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    /** {@code address} as it stands in a URL's authority. */
    public static String authority(InetAddress address, int port) {
        String host = address.getHostAddress();
        int zone = host.indexOf('%');
        host = zone < 0 ? host : host.substring(0, zone);
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }

    private static boolean isUp(NetworkInterface nic) {
        try {
            return nic.isUp();
        } catch (SocketException e) {
            return false;
        }
    }

    private static int preference(InetAddress address) {
        if (address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc) {
            return 0;
        }
        return address instanceof Inet4Address && address.isSiteLocalAddress() ? 1 : 2;
    }
}
