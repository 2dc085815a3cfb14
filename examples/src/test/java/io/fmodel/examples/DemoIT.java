package io.fmodel.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.examples.training.AvailableTrainings;
import io.fmodel.examples.training.Certificate;
import io.fmodel.examples.training.CertificateCommand;
import io.fmodel.examples.training.CertificateCommand.IssueCertificate;
import io.fmodel.examples.training.CertificateEvent;
import io.fmodel.examples.training.CertificateEvent.CertificateIssued;
import io.fmodel.examples.training.SchoolEvent;
import io.fmodel.examples.training.TrainingCommand;
import io.fmodel.examples.training.TrainingCommand.CancelRegistration;
import io.fmodel.examples.training.TrainingCommand.CompleteTraining;
import io.fmodel.examples.training.TrainingCommand.StartVideo;
import io.fmodel.examples.training.TrainingEvent;
import io.fmodel.examples.training.TrainingEvent.CancellationRejected;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingEvent.VideoStartRejected;
import io.fmodel.examples.training.TrainingHistory;
import io.fmodel.postgres.EmbeddedStore;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.PostgresEventStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's scenario, end to end on an embedded PostgreSQL: what the processors stored equals a replay of the
 * events, and the seed's story ends with the second command rejected with its reason.
 */
class DemoIT {

    static EmbeddedStore store;
    static HikariDataSource dataSource;
    static Scenario.Result result;
    static String printed;

    @BeforeAll
    static void run_the_scenario() throws Exception {
        store = EmbeddedStore.start();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(store.jdbcUrl());
        config.setMaximumPoolSize(20);
        dataSource = new HikariDataSource(config);
        var out = new ByteArrayOutputStream();
        result = new Scenario(
                        dataSource, new Scenario.Options(12, 4, ""), new PrintStream(out, true, StandardCharsets.UTF_8))
                .run();
        printed = out.toString(StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        dataSource.close();
        store.close();
    }

    @Test
    void the_views_the_processors_stored_equal_a_replay_of_every_event_through_the_views_in_memory() throws Exception {
        List<TrainingEvent> events = replayed();
        var available = AvailableTrainings.view();
        var history = TrainingHistory.view();
        var everyAvailable = available.initialState();
        var everyHistory = history.initialState();
        for (TrainingEvent event : events) {
            everyAvailable = available.evolve(everyAvailable, event);
            everyHistory = history.evolve(everyHistory, event);
        }

        try (Connection connection = dataSource.getConnection()) {
            // Streams are processed concurrently, so a trainee's rows from two streams may be in either order.
            assertThat(AvailableTrainingsTable.all(connection))
                    .containsExactlyInAnyOrderElementsOf(everyAvailable.trainings())
                    .isNotEmpty();
            assertThat(TrainingHistoryTable.all(connection))
                    .containsExactlyInAnyOrderElementsOf(everyHistory.completed())
                    .isNotEmpty();
            for (String trainee : result.trainees()) {
                assertThat(AvailableTrainingsTable.rowsOf(connection, trainee))
                        .containsExactlyInAnyOrderElementsOf(everyAvailable.of(trainee));
            }
        }
    }

    @Test
    void every_completed_training_has_exactly_one_certificate_issued_by_the_saga() {
        List<TrainingCompleted> completed = replayed().stream()
                .filter(TrainingCompleted.class::isInstance)
                .map(TrainingCompleted.class::cast)
                .toList();
        var certificates = PostgresEventStore.of(dataSource)
                .repository(
                        EventTypes.of("certificate", CertificateEvent.class),
                        (CertificateCommand c) -> c.certificateId().toString());

        assertThat(completed).isNotEmpty();
        assertThat(result.certificates()).isEqualTo(completed.size());
        for (TrainingCompleted done : completed) {
            var id = Certificate.idFor(done.trainingId());
            var stream =
                    certificates.fetch(new IssueCertificate(id, done.trainingId(), done.traineeId(), done.courseId()));
            assertThat(stream)
                    .extracting(StoredEvent::event)
                    .containsExactly(new CertificateIssued(id, done.trainingId(), done.traineeId(), done.courseId()));
        }
    }

    @Test
    void in_the_story_the_first_commit_wins_and_the_other_command_is_re_decided_and_rejected_with_the_reason() {
        Scenario.Story story = result.story();

        assertThat(Set.of(story.winner().getClass(), story.loser().getClass()))
                .isEqualTo(Set.of(CancelRegistration.class, StartVideo.class));
        assertThat(story.conflicts())
                .as("the loser read the same version as the winner, so its append conflicted")
                .isNotEmpty()
                .allSatisfy(conflict -> assertThat(conflict.command()).isEqualTo(story.loser()));
        if (story.loser() instanceof StartVideo) {
            assertThat(story.loserEvents())
                    .containsExactly(new VideoStartRejected(
                            story.trainingId(),
                            Scenario.STORY_VIDEO,
                            "registration was cancelled by admin olivia: registered for the wrong session"));
        } else {
            assertThat(story.loserEvents())
                    .containsExactly(new CancellationRejected(
                            story.trainingId(),
                            "the trainee has already started watching; a started training cannot be cancelled"));
        }
        List<SchoolEvent> stream = new ArrayList<>(trainingsStream(story.trainingId()));
        assertThat(stream.subList(1, 3))
                .as("the contested stream records its registration, the winner's event, then the loser's rejection")
                .containsExactly(
                        story.winnerEvents().getFirst(), story.loserEvents().getFirst());
    }

    @Test
    void the_scenario_reports_its_progress_and_a_full_course() {
        assertThat(printed)
                .contains("register trainees (4 threads): done in")
                .contains("views and sagas catch up: done in");
        assertThat(result.rejections()).containsKey("course is full (3 seats)");
        assertThat(result.conflicts()).isPositive();
        assertThat(result.commands()).isGreaterThan(result.trainingIds().size() * 2L);
    }

    private static List<TrainingEvent> replayed() {
        List<TrainingEvent> events = new ArrayList<>();
        for (UUID id : result.trainingIds()) {
            events.addAll(trainingsStream(id));
        }
        return events;
    }

    // The repository reads a stream by a command addressed to it; any command of the training will do.
    private static List<TrainingEvent> trainingsStream(UUID trainingId) {
        PostgresEventRepository<TrainingCommand, TrainingEvent> trainings = PostgresEventStore.of(dataSource)
                .repository(EventTypes.of("training", TrainingEvent.class), c -> c.trainingId()
                        .toString());
        return trainings.fetch(new CompleteTraining(trainingId)).stream()
                .map(StoredEvent::event)
                .collect(Collectors.toList());
    }
}
