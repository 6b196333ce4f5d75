package io.tributary.store;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes {@code tributary.store.data-dir} an absolute path before anything reads it. The embedded
 * database's URL is built from it, and H2 refuses a relative path that does not start with {@code ./}
 * (error 90011), so {@code TRIBUTARY_STORE_DATA_DIR=mydata} stopped the start at the database. Now a
 * relative directory is taken from the working directory, as a user means it, by the database and the
 * admin token alike.
 */
public final class DataDirectory implements EnvironmentPostProcessor {

    static final String PROPERTY = "tributary.store.data-dir";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String configured = environment.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            return;
        }
        Path absolute;
        try {
            absolute = Path.of(configured.strip()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(PROPERTY + " is not a path: " + e.getMessage(), e);
        }
        environment.getPropertySources().addFirst(new MapPropertySource("tributaryAbsoluteDataDir",
                Map.of(PROPERTY, absolute.toString())));
    }
}
