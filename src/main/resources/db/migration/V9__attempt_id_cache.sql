-- Attempt ids come from the identity's sequence 1,000 at a time instead of the database's default
-- (H2: 32; PostgreSQL: 1). On the embedded H2 every time the cached ids run out the sequence is
-- written and flushed on its own: with one subscriber at full speed that was a fifth of the journal
-- writer's CPU (docs/benchmarks.md). An id is only a row's handle; a restart may skip the ids left in
-- the cache, which nothing reads as a count.
ALTER TABLE tributary_attempt ALTER COLUMN id SET CACHE 1000;
