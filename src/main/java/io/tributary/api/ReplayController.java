package io.tributary.api;

import io.tributary.lifecycle.Renormalizations;
import io.tributary.system.ProblemException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Re-normalizing replays: a provider's kept payloads through the live mapping again, with progress and cancel. */
@RestController
class ReplayController {

    private final Renormalizations replays;

    ReplayController(Renormalizations replays) {
        this.replays = replays;
    }

    /**
     * @param from   received at or after (open when left out)
     * @param to     received before (open when left out)
     * @param dryRun count what would change, store and deliver nothing
     */
    record ReplayRequest(String provider, Instant from, Instant to, Boolean dryRun, String actor) {
    }

    /** @param items newest first, those this member ran since it started */
    record Replays(List<Renormalizations.Progress> items) {
    }

    @PostMapping("/api/v1/replays")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Renormalizations.Progress start(@RequestBody ReplayRequest request, HttpServletRequest http) {
        if (request.provider() == null || request.provider().isBlank()) {
            throw ProblemException.invalidField("provider", "name the provider whose kept payloads to replay.");
        }
        return replays.start(request.provider(), request.from(), request.to(), Boolean.TRUE.equals(request.dryRun()),
                Actors.who(request.actor(), http));
    }

    @GetMapping("/api/v1/replays")
    Replays all() {
        return new Replays(replays.all());
    }

    @GetMapping("/api/v1/replays/{id}")
    Renormalizations.Progress progress(@PathVariable String id) {
        return replays.progress(id).orElseThrow(() -> ProblemException.notFound("No replay '" + id + "' on this member."));
    }

    @PostMapping("/api/v1/replays/{id}/cancel")
    Renormalizations.Progress cancel(@PathVariable String id) {
        return replays.cancel(id).orElseThrow(() -> ProblemException.notFound("No replay '" + id + "' on this member."));
    }
}
