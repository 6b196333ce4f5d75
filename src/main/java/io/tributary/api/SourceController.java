package io.tributary.api;

import io.tributary.ingest.Rejection;
import io.tributary.ingest.RejectionLog;
import io.tributary.ingest.SourceProperties;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The configured sources as an operator checks them: provider, tenant, how requests authenticate
 * (the kind and where, never a secret: only how many are active), allow-list, rate limit, and the
 * refusals among the latest kept.
 */
@RestController
class SourceController {

    /** How many of a source's latest refusals its view carries. */
    private static final int RECENT = 5;

    private final Map<String, SourceProperties.Source> sources;
    private final RejectionLog rejections;

    SourceController(SourceProperties sources, RejectionLog rejections) {
        this.sources = new TreeMap<>(sources.sources());
        this.rejections = rejections;
    }

    /**
     * How a source's requests authenticate: the kind, the header or query parameter, the HMAC's form,
     * the Basic user name, and the number of secrets accepted (more than one while rotating).
     */
    record AuthView(String type, String header, String queryParam, String algorithm, String encoding, String prefix,
                    String username, int secrets) {
    }

    /**
     * @param webhookUrls where its providers send ({@code /webhooks/<provider>/<id>})
     * @param rejected    its refusals among the latest the cluster keeps (1,000 in all)
     * @param recentRejections the newest {@value #RECENT} of them
     */
    record SourceView(String id, List<String> providers, List<String> webhookUrls, String tenant, String tenantFrom, AuthView auth,
                      List<String> allowedIps, List<String> allowedIpPresets, int rateLimit, int rejected,
                      List<Rejection> recentRejections) {
    }

    record Sources(List<SourceView> items) {
    }

    @GetMapping("/api/v1/sources")
    Sources sources() {
        Map<String, List<Rejection>> refused = new HashMap<>();
        for (Rejection r : rejections.latest(1_000)) {
            refused.computeIfAbsent(String.valueOf(r.source()), k -> new ArrayList<>()).add(r);
        }
        List<SourceView> items = new ArrayList<>();
        sources.forEach((id, s) -> {
            List<Rejection> mine = refused.getOrDefault(id, List.of());
            SourceProperties.Auth a = s.auth();
            AuthView auth = a == null ? new AuthView("none", null, null, null, null, null, null, 0)
                    : new AuthView(a.type(), a.header(), a.queryParam(), a.algorithm(), a.encoding(), a.prefix(), a.username(),
                            a.secrets().size());
            items.add(new SourceView(id, s.provider(), s.provider().stream().map(p -> "/webhooks/" + p + "/" + id).toList(),
                    s.tenant(), s.tenantFrom(), auth, s.allowedIps(), s.allowedIpPresets(),
                    s.rateLimit() == null ? 0 : s.rateLimit(), mine.size(), mine.subList(0, Math.min(RECENT, mine.size()))));
        });
        return new Sources(items);
    }
}
