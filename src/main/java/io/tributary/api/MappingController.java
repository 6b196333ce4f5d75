package io.tributary.api;

import io.tributary.mapping.EventNormalizer;
import io.tributary.system.ProblemException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The loaded mappings: which providers, and a reload after a mapping file changed. */
@RestController
class MappingController {

    private final EventNormalizer normalizer;

    MappingController(EventNormalizer normalizer) {
        this.normalizer = normalizer;
    }

    /** @param providers the providers that have a mapping */
    record Mappings(java.util.Set<String> providers) {
    }

    @GetMapping("/api/v1/mappings")
    Mappings mappings() {
        return new Mappings(normalizer.providers());
    }

    @PostMapping("/api/v1/mappings/reload")
    Mappings reload() {
        try {
            normalizer.reload();
        } catch (IllegalStateException e) {
            throw new ProblemException(422, "Unprocessable Content", "A mapping does not parse; the current mappings stay: " + e.getMessage());
        }
        return mappings();
    }
}
