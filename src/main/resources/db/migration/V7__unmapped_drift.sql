-- Drift: each provider event name seen unmapped, how often, first and last, and whether the
-- operational event tributary.mapping.unmapped announced it yet (the announcer reads what is not).
-- Counted in the transaction that keeps the quarantine entry, so a count is never ahead of or behind it.
CREATE TABLE tributary_unmapped (
    id VARCHAR(512) PRIMARY KEY,
    provider VARCHAR(200) NOT NULL,
    provider_event VARCHAR(200) NOT NULL,
    seen BIGINT DEFAULT 0 NOT NULL,
    first_seen TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    announced_at TIMESTAMP
);
CREATE INDEX tributary_unmapped_unannounced ON tributary_unmapped (announced_at);
