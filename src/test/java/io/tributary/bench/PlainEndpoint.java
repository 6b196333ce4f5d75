package io.tributary.bench;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The limit the load benchmark holds Tributary against: a plain Spring MVC controller on the same
 * Spring Boot and Tomcat, in a JVM of its own, that reads the body and answers 202, and does nothing
 * else (none of Tributary's filters, no Camel, no store). Only the web stack's auto-configuration.
 *
 * <pre>java -Xmx2g -cp "target/test-classes:target/classes:$(cat cp.txt)" io.tributary.bench.PlainEndpoint --server.port=8081</pre>
 * then {@code POST /plain}.
 */
@SpringBootConfiguration
@ImportAutoConfiguration({ServletWebServerFactoryAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
        WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class})
public class PlainEndpoint {

    public static final String PATH = "/plain";

    public static void main(String[] args) {
        SpringApplication.run(PlainEndpoint.class, args);
    }

    @RestController
    static class Controller {
        @PostMapping(PATH)
        ResponseEntity<String> accept(@RequestBody byte[] body) {
            return ResponseEntity.status(HttpStatus.ACCEPTED).body("{\"status\":\"accepted\",\"bytes\":" + body.length + "}");
        }
    }
}
