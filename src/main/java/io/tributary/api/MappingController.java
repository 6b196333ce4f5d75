package io.tributary.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.mapping.EventNormalizer;
import io.tributary.system.ProblemException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The loaded mappings: which providers, and a reload after a mapping file changed. */
@RestController
class MappingController {

    private final EventNormalizer normalizer;
    private final ObjectMapper json;

    MappingController(EventNormalizer normalizer, ObjectMapper json) {
        this.normalizer = normalizer;
        this.json = json;
    }

    @GetMapping("/api/v1/mappings")
    ObjectNode mappings() {
        ObjectNode view = json.createObjectNode();
        view.set("providers", json.valueToTree(normalizer.providers()));
        return view;
    }

    @PostMapping("/api/v1/mappings/reload")
    ObjectNode reload() {
        try {
            normalizer.reload();
        } catch (IllegalStateException e) {
            throw new ProblemException(422, "Unprocessable Content", "A mapping does not parse; the current mappings stay: " + e.getMessage());
        }
        return mappings();
    }
}
