package io.fmodel.spring;

import static io.fmodel.spring.Counter.await;
import static io.fmodel.spring.Counter.count;
import static io.fmodel.spring.Counter.notClosedBySpring;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.Partition;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.ProcessorListener;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.test.PostgresStoreExtension;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class FmodelAutoConfigurationTest {

    @RegisterExtension
    final PostgresStoreExtension db = PostgresStoreExtension.of();

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(FmodelAutoConfiguration.class))
                .withBean(DataSource.class, () -> notClosedBySpring(db.dataSource()));
    }

    private static final String TABLES = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'";

    private void emptyDatabase() throws SQLException {
        Counter.execute(db.dataSource(), "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    }

    @Test
    void the_store_is_configured_from_the_data_source_and_installs_the_schema() throws SQLException {
        emptyDatabase();
        runner().run(context -> {
            assertThat(context).hasSingleBean(PostgresEventStore.class);
            assertThat(count(db.dataSource(), TABLES)).isPositive();
            var counters = Counter.aggregate(context.getBean(PostgresEventStore.class));
            assertThat(counters.handle(new Counter.Add("c-1", 5))).hasSize(1);
        });
    }

    @Test
    void schema_install_false_leaves_the_database_as_it_is() throws SQLException {
        emptyDatabase();
        runner().withPropertyValues("fmodel.schema.install=false").run(context -> {
            assertThat(context).hasSingleBean(PostgresEventStore.class);
            assertThat(count(db.dataSource(), TABLES)).isZero();
        });
    }

    @Test
    void fmodel_enabled_false_configures_nothing() {
        runner().withPropertyValues("fmodel.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(PostgresEventStore.class));
    }

    @Test
    void without_a_data_source_there_is_no_store() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(FmodelAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(PostgresEventStore.class));
    }

    @Test
    void a_store_of_the_application_wins_and_is_used_as_it_is() throws SQLException {
        emptyDatabase();
        PostgresEventStore own = PostgresEventStore.of(notClosedBySpring(db.dataSource()));
        runner().withBean("ownStore", PostgresEventStore.class, () -> own).run(context -> {
            assertThat(context).getBean(PostgresEventStore.class).isSameAs(own);
            assertThat(count(db.dataSource(), TABLES)).isZero(); // its schema is the application's business
        });
    }

    @Test
    void listener_beans_hear_what_the_processors_do() {
        var heard = new CopyOnWriteArrayList<String>();
        ProcessorListener listener = new ProcessorListener() {
            @Override
            public void processed(String view, Partition partition, int events) {
                heard.add(view + " " + partition + " " + events);
            }
        };
        runner().withBean("listener", ProcessorListener.class, () -> listener)
                .withBean("totals", ManagedProcessor.class, Counter::totals)
                .run(context -> {
                    Counter.aggregate(context.getBean(PostgresEventStore.class)).handle(new Counter.Add("c-1", 5));
                    assertThat(await(() -> !heard.isEmpty())).isTrue();
                    assertThat(heard).first().asString().startsWith("counter-totals ");
                });
    }

    @Test
    void processors_start_with_the_context_and_stop_with_it_leaving_no_lease_held() throws Exception {
        var handled = new AtomicInteger();
        ManagedProcessor slow = ManagedProcessor.of(
                "slow-totals",
                (store, options) -> store.startAtLeastOnce(
                        "slow-totals",
                        Counter.TYPES,
                        event -> {
                            handled.incrementAndGet();
                            sleep(Duration.ofMillis(50)); // so that the context closes with batches in hand
                        },
                        options));
        runner().withBean("slow", ManagedProcessor.class, () -> slow)
                .withPropertyValues("fmodel.processors.defaults.workers=3")
                .run(context -> {
                    assertThat(slow.isRunning()).isTrue();
                    var counters = Counter.aggregate(context.getBean(PostgresEventStore.class));
                    for (int i = 0; i < 30; i++) counters.handle(new Counter.Add("c-" + (i % 10), 1));
                    assertThat(await(() -> handled.get() > 0)).isTrue();
                    assertThat(count(db.dataSource(), "SELECT count(*) FROM view_positions WHERE locked_until > now()"))
                            .as("leases held while it runs")
                            .isPositive();
                });
        assertThat(slow.isRunning()).isFalse();
        assertThat(slow.processor()).isEmpty();
        assertThat(handled.get()).as("stopped before the end of the work").isLessThan(30);
        assertThat(count(db.dataSource(), "SELECT count(*) FROM view_positions WHERE locked_until > now()"))
                .as("leases held after the context closed")
                .isZero();
        assertThat(count(
                        db.dataSource(),
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                + " AND pid <> pg_backend_pid() AND state = 'active'"))
                .as("statements still running")
                .isZero();
    }

    @Test
    void auto_startup_false_leaves_the_processors_stopped() {
        ManagedProcessor totals = Counter.totals();
        runner().withBean("totals", ManagedProcessor.class, () -> totals)
                .withPropertyValues("fmodel.processors.auto-startup=false")
                .run(context -> {
                    assertThat(totals.isRunning()).isFalse();
                    totals.start(); // by hand, as an operator would
                    assertThat(totals.processor()).isPresent();
                });
        assertThat(totals.isRunning()).isFalse();
    }

    @Test
    void each_processor_runs_with_the_defaults_then_the_options_of_its_view() {
        var seen = new AtomicReference<StreamingOptions>();
        ManagedProcessor totals = ManagedProcessor.of("counter-totals", (store, options) -> {
            seen.set(options);
            return Counter.startTotals(store, options);
        });
        runner().withBean("totals", ManagedProcessor.class, () -> totals)
                .withPropertyValues(
                        "fmodel.processors.defaults.workers=3",
                        "fmodel.processors.defaults.max-attempts=4",
                        "fmodel.processors.views.counter-totals.workers=1",
                        "fmodel.processors.views.counter-totals.lease-timeout=30s",
                        "fmodel.processors.views.other.workers=7")
                .run(context -> {
                    StreamingOptions options = seen.get();
                    assertThat(options.workers()).isEqualTo(1);
                    assertThat(options.leaseTimeout()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(options.retries().maxAttempts()).isEqualTo(4);
                    assertThat(options.eventsPerPartition())
                            .isEqualTo(StreamingOptions.defaults().eventsPerPartition());
                });
    }

    @Test
    void a_processor_that_runs_another_view_than_declared_fails_the_start() {
        runner().withBean(
                        "wrong",
                        ManagedProcessor.class,
                        () -> ManagedProcessor.of("declared", (store, options) -> Counter.startTotals(store, options)))
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("declared for view declared runs view counter-totals"));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
