package io.fmodel.postgres.invariants;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The seed's {@code locks} table, as fstore-sql users and its own tests read it: a read-only view now. */
class LocksViewIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void locks_shows_each_partition_of_a_view_with_the_seeds_columns() throws SQLException {
        try (Connection c = db.connection()) {
            StoreSql.registerTypes(c);
            Session.rows(c, "SELECT * FROM register_view('lv', '-infinity')");
            long first = StoreSql.append(c, "lv-s");
            long last = StoreSql.append(c, "lv-s");
            StoreSql.drain(c, "lv", Set.of(first), Duration.ofSeconds(5));
            List<Map<String, Object>> locks = Session.rows(
                    c,
                    "SELECT view, decider_id, \"offset\", last_offset, locked_until, offset_final, created_at,"
                            + " updated_at FROM locks WHERE view = 'lv'");
            assertThat(locks).hasSize(1);
            Map<String, Object> lock = locks.getFirst();
            assertThat(lock.get("decider_id")).isEqualTo("lv-s");
            assertThat(lock.get("offset")).as("the stream's last offset").isEqualTo(last);
            assertThat(((Number) lock.get("last_offset")).longValue())
                    .as("the last acknowledged offset")
                    .isIn(first, last);
            assertThat(lock.get("offset_final")).isEqualTo(false);
            assertThat(lock.get("locked_until")).isNotNull();
            assertThat((Throwable) catchRefusal(c, "DELETE FROM locks"))
                    .as("read-only")
                    .isNotNull();
        }
    }

    private static SQLException catchRefusal(Connection c, String sql) {
        return org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class, () -> Session.rows(c, sql));
    }
}
