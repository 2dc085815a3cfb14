package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An append can take part in a two-phase commit (an XA transaction manager, a transaction spanning databases):
 * nothing in the writer's transaction forbids {@code PREPARE TRANSACTION} (a NOTIFY did, with 0A000).
 */
class TwoPhaseCommitIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void an_append_can_be_prepared_then_committed_in_a_second_phase() throws SQLException {
        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SHOW max_prepared_transactions")) {
                r.next();
                assumeTrue(r.getInt(1) > 0, "the server has max_prepared_transactions = 0");
            }
            s.execute("SELECT * FROM register_decider_event('d', 'e')");
            String gid = "fmodel-" + UUID.randomUUID();
            c.setAutoCommit(false);
            s.execute("SELECT * FROM append_event('e', gen_random_uuid(), 'd', 'two-phase', '{}', gen_random_uuid(),"
                    + " NULL, 1)");
            s.execute("PREPARE TRANSACTION '" + gid + "'");
            c.setAutoCommit(true);
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM get_events('two-phase', 'd')")) {
                r.next();
                assertThat(r.getLong(1)).as("prepared, not committed").isZero();
            }
            s.execute("COMMIT PREPARED '" + gid + "'");
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM get_events('two-phase', 'd')")) {
                r.next();
                assertThat(r.getLong(1)).isEqualTo(1);
            }
        }
    }
}
