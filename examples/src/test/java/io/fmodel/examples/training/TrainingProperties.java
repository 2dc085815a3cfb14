package io.fmodel.examples.training;

import static io.fmodel.examples.training.TrainingGenerators.histories;
import static io.fmodel.examples.training.TrainingGenerators.sequences;
import static io.fmodel.examples.training.TrainingGenerators.trainingCommands;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fmodel.core.Decider;
import io.fmodel.examples.training.TrainingCommand.CancelRegistration;
import io.fmodel.examples.training.TrainingCommand.StartVideo;
import io.fmodel.examples.training.TrainingEvent.CancellationRejected;
import io.fmodel.examples.training.TrainingEvent.RegistrationCancelled;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingEvent.VideoFinished;
import io.fmodel.examples.training.TrainingEvent.VideoStartRejected;
import io.fmodel.examples.training.TrainingEvent.VideoStarted;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

class TrainingProperties {

    final Decider<TrainingCommand, TrainingState, TrainingEvent> training = Training.decider();

    @Test
    void every_command_is_answered_by_exactly_one_event_of_its_training() {
        qt().forAll(sequences(trainingCommands(), 60)).checkAssert(commands -> {
            Map<UUID, TrainingState> states = new HashMap<>();
            for (var command : commands) {
                var state = states.getOrDefault(command.trainingId(), training.initialState());
                var events = training.decide(command, state);

                assertThat(events).hasSize(1);
                assertThat(events.getFirst().trainingId()).isEqualTo(command.trainingId());
                states.put(command.trainingId(), training.evolve(state, events.getFirst()));
            }
        });
    }

    @Test
    void rejections_leave_the_state_unchanged() {
        qt().forAll(sequences(trainingCommands(), 60)).checkAssert(commands -> {
            Map<UUID, TrainingState> states = new HashMap<>();
            for (var command : commands) {
                var state = states.getOrDefault(command.trainingId(), training.initialState());
                var event = training.decide(command, state).getFirst();
                var next = training.evolve(state, event);

                if ((event instanceof TrainingEvent.Rejection)) {
                    assertThat(next).isEqualTo(state);
                } else {
                    assertThat(next).isNotEqualTo(state);
                }
                states.put(command.trainingId(), next);
            }
        });
    }

    @Test
    void a_cancelled_training_never_accepts_a_video_nor_completes() {
        qt().forAll(histories()).checkAssert(history -> {
            Set<UUID> cancelled = new HashSet<>();
            for (var event : history) {
                if (event instanceof RegistrationCancelled c) {
                    cancelled.add(c.trainingId());
                }
                if (event instanceof VideoStarted
                        || event instanceof VideoFinished
                        || event instanceof TrainingCompleted) {
                    assertThat(cancelled).doesNotContain(event.trainingId());
                }
            }
        });
    }

    @Test
    void once_cancelled_or_completed_a_training_only_records_rejections() {
        qt().forAll(histories()).checkAssert(history -> {
            Set<UUID> ended = new HashSet<>();
            for (var event : history) {
                if (ended.contains(event.trainingId())) {
                    assertThat((event instanceof TrainingEvent.Rejection))
                            .as("%s after the end", event)
                            .isTrue();
                }
                if (event instanceof RegistrationCancelled || event instanceof TrainingCompleted) {
                    ended.add(event.trainingId());
                }
            }
        });
    }

    @Test
    void a_training_the_trainee_started_is_never_cancelled() {
        qt().forAll(histories()).checkAssert(history -> {
            Set<UUID> started = new HashSet<>();
            for (var event : history) {
                if (event instanceof VideoStarted s) {
                    started.add(s.trainingId());
                }
                if (event instanceof RegistrationCancelled c) {
                    assertThat(started).doesNotContain(c.trainingId());
                }
            }
        });
    }

    @Test
    void of_a_concurrent_cancellation_and_video_start_the_one_decided_second_is_rejected() {
        qt().forAll(
                        Generate.pick(TrainingGenerators.TRAINEES),
                        Generate.pick(TrainingGenerators.ADMINS),
                        Generate.pick(TrainingGenerators.VIDEOS),
                        SourceDSL.booleans().all())
                .checkAssert((trainee, admin, video, cancelFirst) -> {
                    var id = TrainingGenerators.TRAININGS.getFirst();
                    var read = training.evolve(
                            training.initialState(),
                            new RegistrationCreated(id, trainee, "JAVA-101", LocalDate.of(2026, 12, 31)));
                    TrainingCommand cancel = new CancelRegistration(id, admin, "booked twice");
                    TrainingCommand start = new StartVideo(id, video);
                    TrainingCommand first = cancelFirst ? cancel : start;
                    TrainingCommand second = cancelFirst ? start : cancel;

                    var committed = training.decide(first, read);
                    var redecided = training.decide(second, training.evolve(read, committed.getFirst()));

                    assertThat(committed.getFirst() instanceof TrainingEvent.Rejection)
                            .isFalse();
                    assertThat(redecided)
                            .singleElement()
                            .isInstanceOf(cancelFirst ? VideoStartRejected.class : CancellationRejected.class);
                });
    }

    @Test
    void the_generated_histories_reach_every_kind_of_training_event() {
        Set<Class<?>> seen = new HashSet<>();
        qt().forAll(histories()).checkAssert(history -> history.forEach(event -> seen.add(event.getClass())));

        assertThat(seen).containsExactlyInAnyOrderElementsOf(records(TrainingEvent.class));
    }

    private static List<Class<?>> records(Class<?> sealed) {
        return Stream.of(sealed.getPermittedSubclasses())
                .flatMap(sub -> sub.isRecord() ? Stream.of(sub) : records(sub).stream())
                .toList();
    }
}
