package io.tributary.system;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Camel's platform-http on Spring Boot, with a way past Spring MVC for the routes' own requests.
 *
 * <p>The Spring Boot engine registers every route as a Spring MVC handler that answers with a
 * {@code CompletableFuture}: even when the route has run to its end on the request thread, Spring MVC
 * treats the answer as asynchronous, starts the servlet's async mode and dispatches the request a
 * second time to write it. That second pass (a fifth of a webhook's CPU on the request threads)
 * buys nothing here. This engine keeps its consumers in a table by path, so {@link DirectDispatchFilter}
 * runs a request's route on its own thread, start to end, and writes the answer once. Spring MVC's
 * handlers stay registered for whatever the table does not take (another method, an unknown path).
 */
public final class DirectPlatformHttpEngine extends SpringBootPlatformHttpEngine {

    private static final PathPatternParser PARSER = new PathPatternParser();

    /** A started consumer, its path as a pattern and the one method it takes (null: any). */
    private record Entry(PathPattern path, String method, DirectConsumer consumer) {
    }

    private final List<Entry> started = new CopyOnWriteArrayList<>();

    public DirectPlatformHttpEngine(int port) {
        super(port, Runnable::run);
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new DirectConsumer(endpoint, processor);
    }

    /** The started route for this request's method and path, if one takes it. */
    Optional<DirectConsumer> consumerFor(HttpServletRequest request) {
        if (started.isEmpty()) {
            return Optional.empty();
        }
        PathContainer path = PathContainer.parsePath(request.getRequestURI().substring(request.getContextPath().length()));
        for (Entry e : started) {
            if ((e.method() == null || e.method().equals(request.getMethod())) && e.path().matches(path)) {
                return Optional.of(e.consumer());
            }
        }
        return Optional.empty();
    }

    /** A platform-http consumer that can be run directly, and that is in the table while it runs. */
    final class DirectConsumer extends SpringBootPlatformHttpConsumer {

        private DirectConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
            super(endpoint, processor, Runnable::run);
        }

        /** Runs the route for this request on the calling thread and writes its answer. */
        void serve(HttpServletRequest request, HttpServletResponse response) throws Exception {
            handleService(request, response);
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            String methods = getEndpoint().getHttpMethodRestrict();
            if (methods != null && methods.contains(",")) {
                return; // several methods: left to Spring MVC's handler, which knows how to restrict them
            }
            String method = methods == null || methods.isBlank() ? null : methods.trim().toUpperCase(Locale.ROOT);
            started.add(new Entry(PARSER.parse(getEndpoint().getPath()), method, this));
        }

        @Override
        protected void doStop() throws Exception {
            started.removeIf(e -> e.consumer() == this);
            super.doStop();
        }
    }
}
