package io.tributary;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Clients that send a webhook's head and then nothing, to see that they cost the server connections,
 * not request threads: half declare a {@code Content-Length}, half a chunked body.
 */
public final class SilentClients implements AutoCloseable {

    private final List<RawHttp> connections = new ArrayList<>();

    /** Opens {@code count} connections and sends each the request line and headers, and no body. */
    public SilentClients(int port, int count, String requestLine, String... headers) {
        for (int i = 0; i < count; i++) {
            String[] head = new String[headers.length + 3];
            head[0] = requestLine;
            head[1] = "Host: 127.0.0.1";
            head[2] = i % 2 == 0 ? "Content-Length: 500" : "Transfer-Encoding: chunked";
            System.arraycopy(headers, 0, head, 3, headers.length);
            connections.add(new RawHttp(port, Duration.ofSeconds(10)).head(head));
        }
    }

    /** What the server answered the {@code i}-th connection, once it does. */
    public String answer(int i) {
        return connections.get(i).response();
    }

    /** Posts a JSON webhook with the JDK's client and waits for its answer at most {@code within}. */
    public static HttpResponse<String> post(int port, String path, String json, Duration within)
            throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(within).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        connections.forEach(RawHttp::close);
    }
}
