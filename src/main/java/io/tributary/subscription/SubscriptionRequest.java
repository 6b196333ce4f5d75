package io.tributary.subscription;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * A subscription as a client writes it ({@code POST}/{@code PUT /api/v1/subscriptions}, or
 * {@code tributary.subscriptions.<id>.*}). {@code secret} is a secret: never logged. The constraints
 * are the API's first check; {@link Subscriptions} checks the rest (URL, types, filter, headers) for
 * the API and configuration alike.
 */
public record SubscriptionRequest(
        @Schema(description = "Where events go: an absolute http or https URL", example = "https://crm.example.com/hooks/tributary")
        @NotBlank @Size(max = 2048) String url,
        @Schema(description = "Exact types, prefix.* or *; empty: every type", example = "[\"message.*\"]")
        @Size(max = 100) List<@NotBlank @Size(max = 200) String> types,
        @Schema(description = "Provider ids; empty: every provider")
        @Size(max = 100) List<@NotBlank @Size(max = 64) String> providers,
        @Schema(description = "Tenants; empty: every tenant")
        @Size(max = 1000) List<@NotBlank @Size(max = 256) String> tenants,
        @Schema(description = "A JSONata expression over the canonical event that must give true", example = "data.campaign.id = \"camp_1\"")
        @Size(max = 10_000) String filter,
        @Schema(description = "The signing secret, whsec_ and base64 of 24 to 64 bytes; generated when left out", writeOnly = true)
        @Size(max = 200) String secret,
        @Schema(description = "structured (the CloudEvent as the body, default) or binary (data as the body, attributes as ce- headers)")
        @Pattern(regexp = "structured|binary") String format,
        @Schema(description = "Extra request headers; credential-looking ones are redacted when read")
        @Size(max = 50) Map<String, String> headers,
        @Schema(description = "Created or kept paused: matching events are held and sent in order on resume")
        Boolean paused) {

    @Override
    public String toString() {
        return "SubscriptionRequest[" + url + ", types=" + types + "]";
    }
}
