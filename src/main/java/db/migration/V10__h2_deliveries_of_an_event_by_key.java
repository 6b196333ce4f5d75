package db.migration;

import io.tributary.store.SqlDialect;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * On H2, drops {@code tributary_delivery_event}: a delivery's id is its event's id, {@code /}, its
 * subscription's, so H2 finds an event's deliveries as a range of the primary key
 * ({@link SqlDialect#deliveriesOf}). Every index is a B-tree each of the journal's commits rewrites
 * where it changed, and this one took its keys in random order: one leaf rewritten per new delivery, about
 * a tenth of the journal writer's time (docs/benchmarks.md). PostgreSQL keeps the index: under a
 * collation that ignores punctuation the range would not be the prefix.
 */
public class V10__h2_deliveries_of_an_event_by_key extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        if (SqlDialect.of(context.getConnection()) == SqlDialect.H2) {
            try (Statement s = context.getConnection().createStatement()) {
                s.execute("DROP INDEX IF EXISTS tributary_delivery_event");
            }
        }
    }
}
