package io.tributary.api;

import io.tributary.lifecycle.MappingLifecycle;
import io.tributary.mapping.ShadowReport;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A provider's mapping versions: a candidate beside the live one, its shadow runs, promotion and
 * rollback, and who changed what when.
 */
@RestController
class MappingLifecycleController {

    private final MappingLifecycle lifecycle;

    MappingLifecycleController(MappingLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** Who asks, as {@link Actors#who} records it. */
    record Actor(String actor) {
    }

    /** @param mapping the candidate's JSONata text; {@code @version label} in a comment labels its version */
    record CandidateRequest(String mapping, String actor) {
    }

    /** A candidate as loaded: its version, and what it has done in shadow on live traffic so far. */
    record CandidateView(String provider, String version, ShadowReport.View shadowOnLiveTraffic) {
    }

    /** A shadow run over kept payloads received in {@code [from, to)} (either open), at most {@code limit} of each kind. */
    record ShadowRequest(Instant from, Instant to, Integer limit) {
    }

    @GetMapping("/api/v1/mappings/{provider}/versions")
    MappingLifecycle.State versions(@PathVariable String provider) {
        return lifecycle.state(provider);
    }

    @PutMapping("/api/v1/mappings/{provider}/candidate")
    @ResponseStatus(HttpStatus.CREATED)
    CandidateView propose(@PathVariable String provider, @RequestBody CandidateRequest request, HttpServletRequest http) {
        var candidate = lifecycle.propose(provider, request.mapping(), Actors.who(request.actor(), http));
        return new CandidateView(provider, candidate.version(), candidate.live().view());
    }

    @GetMapping("/api/v1/mappings/{provider}/candidate")
    CandidateView candidate(@PathVariable String provider) {
        MappingLifecycle.State state = lifecycle.state(provider);
        if (state.candidateVersion() == null) {
            throw io.tributary.system.ProblemException.notFound("Provider '" + provider + "' has no candidate mapping.");
        }
        return new CandidateView(provider, state.candidateVersion(), state.shadowOnLiveTraffic());
    }

    @DeleteMapping("/api/v1/mappings/{provider}/candidate")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void discard(@PathVariable String provider, @RequestBody(required = false) Actor actor, HttpServletRequest http) {
        lifecycle.discard(provider, Actors.who(actor == null ? null : actor.actor(), http));
    }

    @PostMapping("/api/v1/mappings/{provider}/candidate/shadow")
    ShadowReport.View shadow(@PathVariable String provider, @RequestBody(required = false) ShadowRequest request) {
        ShadowRequest r = request == null ? new ShadowRequest(null, null, null) : request;
        return lifecycle.shadowStored(provider, r.from(), r.to(), r.limit() == null ? 1000 : r.limit());
    }

    @PostMapping("/api/v1/mappings/{provider}/promote")
    MappingLifecycle.State promote(@PathVariable String provider, @RequestBody(required = false) Actor actor, HttpServletRequest http) {
        return lifecycle.promote(provider, Actors.who(actor == null ? null : actor.actor(), http));
    }

    @PostMapping("/api/v1/mappings/{provider}/rollback")
    MappingLifecycle.State rollback(@PathVariable String provider, @RequestBody(required = false) Actor actor, HttpServletRequest http) {
        return lifecycle.rollback(provider, Actors.who(actor == null ? null : actor.actor(), http));
    }
}
