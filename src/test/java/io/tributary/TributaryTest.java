package io.tributary;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * A whole-application test: Tributary on a random port with its real routes, an embedded Hazelcast
 * member, the first-run profile ({@code mvn spring-boot:run}'s: the {@code demo} source, the admin API
 * from loopback without a token) and the test profile (which adds the files-only provider {@code acme}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"first-run", "test"})
public @interface TributaryTest {
}
