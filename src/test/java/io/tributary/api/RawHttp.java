package io.tributary.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Optional;

/**
 * HTTP/1.1 written by hand, for what a real client library will not send: any {@code Host} header, as
 * a DNS-rebound page or an attacker's script does. And this machine's own addresses that are not
 * loopback, to be a peer that is not on loopback without a second machine.
 */
final class RawHttp {

    private RawHttp() {
    }

    /** The status code and the whole response of {@code request} (a head without the last blank line). */
    record Response(int status, String text) {
    }

    static Response send(InetAddress address, int port, String head) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 5_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Response(Integer.parseInt(text.substring(9, 12)), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An address of this machine that is not loopback nor link-local; a private one first (IPv6 ULA,
     * then RFC 1918), the kind a platform's own proxies and pods have.
     */
    static Optional<InetAddress> nonLoopbackAddress() {
        try {
            return NetworkInterface.networkInterfaces().filter(RawHttp::isUp).flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress())
                    .min(Comparator.comparingInt(RawHttp::preference));
        } catch (SocketException e) {
            return Optional.empty();
        }
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

    /** {@code address} as it stands in a URL's authority. */
    static String authority(InetAddress address, int port) {
        String host = address.getHostAddress();
        int zone = host.indexOf('%');
        host = zone < 0 ? host : host.substring(0, zone);
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }
}
