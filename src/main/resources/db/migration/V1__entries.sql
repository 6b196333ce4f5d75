-- Every Hazelcast map Tributary keeps durable is written through to this one table: one row per
-- map entry. Portable SQL: the same file runs on the embedded H2 and on PostgreSQL.
CREATE TABLE tributary_entry (
    map_name   VARCHAR(64)  NOT NULL,
    entry_key  VARCHAR(512) NOT NULL,
    entry_value TEXT        NOT NULL,
    updated_at TIMESTAMP    NOT NULL,
    PRIMARY KEY (map_name, entry_key)
);

-- Retention purges by age.
CREATE INDEX tributary_entry_age ON tributary_entry (map_name, updated_at);
