package io.tributary.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 written by hand, for what a real client library will not send: any {@code Host} header, as
 * a DNS-rebound page or an attacker's script does.
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
}
