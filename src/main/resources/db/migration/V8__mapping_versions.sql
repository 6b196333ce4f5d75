-- Mappings changed at run time: candidates beside the live mapping, the one promoted live (which takes
-- the place of the files' for its provider), and those it replaced, so a rollback has one to return to.
-- state: candidate, live, retired (replaced by a promotion), discarded (a candidate replaced or
-- dropped), rolled_back (a live one a rollback replaced).
CREATE TABLE tributary_mapping_version (
    id         VARCHAR(64)  PRIMARY KEY,
    provider   VARCHAR(200) NOT NULL,
    version    VARCHAR(64)  NOT NULL,
    mapping    TEXT         NOT NULL,
    state      VARCHAR(16)  NOT NULL,
    created_at TIMESTAMP    NOT NULL,
    created_by VARCHAR(200) NOT NULL,
    changed_at TIMESTAMP    NOT NULL
);
CREATE INDEX tributary_mapping_version_provider ON tributary_mapping_version (provider, state, changed_at);

-- Who changed which provider's mapping, how and when: candidate, discard, promote, rollback.
CREATE TABLE tributary_mapping_change (
    id       VARCHAR(64)  PRIMARY KEY,
    provider VARCHAR(200) NOT NULL,
    action   VARCHAR(16)  NOT NULL,
    version  VARCHAR(64),
    previous VARCHAR(64),
    actor    VARCHAR(200) NOT NULL,
    at       TIMESTAMP    NOT NULL
);
CREATE INDEX tributary_mapping_change_provider ON tributary_mapping_change (provider, at);
