package io.fmodel.examples.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.Decider;
import io.fmodel.examples.training.TrainingCommand.CancelRegistration;
import io.fmodel.examples.training.TrainingCommand.CompleteTraining;
import io.fmodel.examples.training.TrainingCommand.FinishVideo;
import io.fmodel.examples.training.TrainingCommand.RegisterTrainee;
import io.fmodel.examples.training.TrainingCommand.StartVideo;
import io.fmodel.examples.training.TrainingEvent.CancellationRejected;
import io.fmodel.examples.training.TrainingEvent.CompletionRejected;
import io.fmodel.examples.training.TrainingEvent.RegistrationCancelled;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import io.fmodel.examples.training.TrainingEvent.RegistrationRejected;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingEvent.VideoFinishRejected;
import io.fmodel.examples.training.TrainingEvent.VideoFinished;
import io.fmodel.examples.training.TrainingEvent.VideoStartRejected;
import io.fmodel.examples.training.TrainingEvent.VideoStarted;
import io.fmodel.examples.training.TrainingState.Active;
import io.fmodel.examples.training.TrainingState.Cancelled;
import io.fmodel.examples.training.TrainingState.Completed;
import io.fmodel.examples.training.TrainingState.Registered;
import io.fmodel.examples.training.TrainingState.Unregistered;
import io.fmodel.testkit.DeciderSpec;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TrainingTest {

    static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000042");
    static final LocalDate DUE = LocalDate.of(2026, 12, 31);
    static final String CANCELLED_BY_BOB = "registration was cancelled by admin bob: booked twice";

    static final RegistrationCreated CREATED = new RegistrationCreated(ID, "alice", "JAVA-101", DUE);
    static final RegistrationCancelled CANCELLED =
            new RegistrationCancelled(ID, "alice", "JAVA-101", "bob", "booked twice");
    static final VideoStarted INTRO_STARTED = new VideoStarted(ID, "intro");
    static final VideoFinished INTRO_FINISHED = new VideoFinished(ID, "intro");
    static final TrainingCompleted COMPLETED = new TrainingCompleted(ID, "alice", "JAVA-101");

    final Decider<TrainingCommand, TrainingState, TrainingEvent> training = Training.decider();

    // Registering

    @Test
    void registering_a_trainee_creates_the_registration() {
        DeciderSpec.of(training)
                .when(new RegisterTrainee(ID, "alice", "JAVA-101", DUE))
                .thenEvents(CREATED);
    }

    @Test
    void registering_the_same_training_twice_is_rejected() {
        DeciderSpec.of(training)
                .given(CREATED)
                .when(new RegisterTrainee(ID, "carol", "SQL-201", DUE))
                .thenEvents(new RegistrationRejected(ID, "training is already registered for alice on JAVA-101"));
    }

    // Cancelling

    @Test
    void an_admin_cancels_an_active_registration_the_trainee_has_not_started() {
        DeciderSpec.of(training)
                .given(CREATED)
                .when(new CancelRegistration(ID, "bob", "booked twice"))
                .thenEvents(CANCELLED);
    }

    @Test
    void cancelling_a_registration_that_does_not_exist_is_rejected() {
        DeciderSpec.of(training)
                .when(new CancelRegistration(ID, "bob", "booked twice"))
                .thenEvents(new CancellationRejected(ID, "no such registration"));
    }

    @Test
    void cancelling_after_the_trainee_started_watching_is_rejected_with_the_reason() {
        DeciderSpec.of(training)
                .given(CREATED, INTRO_STARTED, INTRO_FINISHED)
                .when(new CancelRegistration(ID, "bob", "booked twice"))
                .thenEvents(new CancellationRejected(
                        ID, "the trainee has already started watching; a started training cannot be cancelled"));
    }

    @Test
    void cancelling_a_cancelled_registration_is_rejected() {
        DeciderSpec.of(training)
                .given(CREATED, CANCELLED)
                .when(new CancelRegistration(ID, "dave", "again"))
                .thenEvents(new CancellationRejected(ID, CANCELLED_BY_BOB));
    }

    @Test
    void cancelling_a_completed_training_is_rejected() {
        DeciderSpec.of(training)
                .given(CREATED, INTRO_STARTED, INTRO_FINISHED, COMPLETED)
                .when(new CancelRegistration(ID, "bob", "too late"))
                .thenEvents(new CancellationRejected(ID, "training is already completed"));
    }

    // Starting a video

    @Test
    void the_trainee_starts_a_video_of_an_active_training() {
        DeciderSpec.of(training)
                .given(CREATED)
                .when(new StartVideo(ID, "intro"))
                .thenEvents(INTRO_STARTED);
    }

    @Test
    void starting_a_video_without_a_registration_is_rejected() {
        DeciderSpec.of(training)
                .when(new StartVideo(ID, "intro"))
                .thenEvents(new VideoStartRejected(ID, "intro", "no such registration"));
    }

    @Test
    void starting_a_video_after_the_admin_cancelled_is_rejected_with_the_reason() {
        DeciderSpec.of(training)
                .given(CREATED, CANCELLED)
                .when(new StartVideo(ID, "intro"))
                .thenEvents(new VideoStartRejected(ID, "intro", CANCELLED_BY_BOB));
    }

    @Test
    void starting_a_video_already_in_progress_is_rejected() {
        DeciderSpec.of(training)
                .given(CREATED, INTRO_STARTED)
                .when(new StartVideo(ID, "intro"))
                .thenEvents(new VideoStartRejected(ID, "intro", "video is already in progress"));
    }

    @Test
    void a_watched_video_can_be_watched_again() {
        DeciderSpec.of(training)
                .given(CREATED, INTRO_STARTED, INTRO_FINISHED)
                .when(new StartVideo(ID, "intro"))
                .thenEvents(INTRO_STARTED);
    }

    @Test
    void starting_a_video_of_a_completed_training_is_rejected() {
        DeciderSpec.of(training)
                .given(CREATED, INTRO_STARTED, INTRO_FINISHED, COMPLETED)
                .when(new StartVideo(ID, "outro"))
                .thenEvents(new VideoStartRejected(ID, "outro", "training is already completed"));
    }

    // Finishing a video

    @Test
    void the_trainee_finishes_a_video_in_progress() {
        DeciderSpec.of(training)
                .given(CREATED, INTRO_STARTED)
                .when(new FinishVideo(ID, "intro"))
                .thenEvents(INTRO_FINISHED);
    }

    @Test
    void finishing_a_video_that_was_not_started_is_rejected() {
        DeciderSpec.of(training)
                .given(CREATED)
                .when(new FinishVideo(ID, "intro"))
                .thenEvents(new VideoFinishRejected(ID, "intro", "video was not started"));
    }

    @Test
    void finishing_a_video_without_a_registration_is_rejected() {
        DeciderSpec.of(training)
                .when(new FinishVideo(ID, "intro"))
                .thenEvents(new VideoFinishRejected(ID, "intro", "no such registration"));
    }

    @Test
    void finishing_a_video_of_a_cancelled_registration_is_rejected_with_the_reason() {
        DeciderSpec.of(training)
                .given(CREATED, CANCELLED)
                .when(new FinishVideo(ID, "intro"))
                .thenEvents(new VideoFinishRejected(ID, "intro", CANCELLED_BY_BOB));
    }

    @Test
    void finishing_a_video_of_a_completed_training_is_rejected() {
        DeciderSpec.of(training)
                .given(CREATED, INTRO_STARTED, INTRO_FINISHED, COMPLETED)
                .when(new FinishVideo(ID, "intro"))
                .thenEvents(new VideoFinishRejected(ID, "intro", "training is already completed"));
    }

    // Completing

    @Test
    void a_training_with_every_started_video_watched_is_completed() {
        DeciderSpec.of(training)
                .given(CREATED, INTRO_STARTED, INTRO_FINISHED)
                .when(new CompleteTraining(ID))
                .thenEvents(COMPLETED);
    }

    @Test
    void completing_without_a_registration_is_rejected() {
        DeciderSpec.of(training)
                .when(new CompleteTraining(ID))
                .thenEvents(new CompletionRejected(ID, "no such registration"));
    }

    @Test
    void completing_before_any_video_was_watched_is_rejected() {
        DeciderSpec.of(training)
                .given(CREATED, INTRO_STARTED)
                .when(new CompleteTraining(ID))
                .thenEvents(new CompletionRejected(ID, "no video has been watched yet"));
    }

    @Test
    void completing_with_videos_still_in_progress_is_rejected_and_names_them() {
        DeciderSpec.of(training)
                .given(
                        CREATED,
                        INTRO_STARTED,
                        INTRO_FINISHED,
                        new VideoStarted(ID, "sealed"),
                        new VideoStarted(ID, "records"))
                .when(new CompleteTraining(ID))
                .thenEvents(new CompletionRejected(ID, "videos still in progress: records, sealed"));
    }

    @Test
    void completing_a_cancelled_registration_is_rejected_with_the_reason() {
        DeciderSpec.of(training)
                .given(CREATED, CANCELLED)
                .when(new CompleteTraining(ID))
                .thenEvents(new CompletionRejected(ID, CANCELLED_BY_BOB));
    }

    @Test
    void completing_a_completed_training_is_rejected() {
        DeciderSpec.of(training)
                .given(CREATED, INTRO_STARTED, INTRO_FINISHED, COMPLETED)
                .when(new CompleteTraining(ID))
                .thenEvents(new CompletionRejected(ID, "training is already completed"));
    }

    // The story of the seed: an admin cancels while the trainee starts a video, both against the same state.

    final CancelRegistration cancel = new CancelRegistration(ID, "bob", "booked twice");
    final StartVideo start = new StartVideo(ID, "intro");

    @Test
    void each_command_alone_is_valid_against_the_state_both_read() {
        DeciderSpec.of(training).given(CREATED).when(cancel).thenEvents(CANCELLED);
        DeciderSpec.of(training).given(CREATED).when(start).thenEvents(INTRO_STARTED);
    }

    @Test
    void when_the_cancellation_commits_first_the_video_start_is_re_decided_and_rejected_with_the_reason() {
        DeciderSpec.of(training)
                .given(CREATED, CANCELLED)
                .when(start)
                .thenEvents(new VideoStartRejected(ID, "intro", CANCELLED_BY_BOB));
    }

    @Test
    void when_the_video_start_commits_first_the_cancellation_is_re_decided_and_rejected_with_the_reason() {
        DeciderSpec.of(training)
                .given(CREATED, INTRO_STARTED)
                .when(cancel)
                .thenEvents(new CancellationRejected(
                        ID, "the trainee has already started watching; a started training cannot be cancelled"));
    }

    // Evolving

    @Test
    void the_state_before_any_event_is_unregistered() {
        assertThat(training.initialState()).isEqualTo(new Unregistered());
    }

    @Test
    void the_registration_remembers_videos_in_progress_and_watched() {
        DeciderSpec.of(training)
                .given(CREATED, INTRO_STARTED, INTRO_FINISHED)
                .when(new StartVideo(ID, "records"))
                .thenEvents(new VideoStarted(ID, "records"))
                .thenState(
                        new Registered(ID, "alice", "JAVA-101", DUE, new Active(), Set.of("records"), Set.of("intro")));
    }

    @Test
    void a_cancelled_registration_remembers_who_cancelled_and_why() {
        DeciderSpec.of(training)
                .given(CREATED)
                .when(new CancelRegistration(ID, "bob", "booked twice"))
                .thenEvents(CANCELLED)
                .thenState(new Registered(
                        ID, "alice", "JAVA-101", DUE, new Cancelled("bob", "booked twice"), Set.of(), Set.of()));
    }

    @Test
    void a_completed_training_is_completed() {
        DeciderSpec.of(training)
                .given(CREATED, INTRO_STARTED, INTRO_FINISHED)
                .when(new CompleteTraining(ID))
                .thenEvents(COMPLETED)
                .thenState(new Registered(ID, "alice", "JAVA-101", DUE, new Completed(), Set.of(), Set.of("intro")));
    }

    @Test
    void rejections_leave_the_state_unchanged() {
        var registered = training.evolve(training.evolve(training.initialState(), CREATED), INTRO_STARTED);
        List<TrainingEvent> rejections = List.of(
                new RegistrationRejected(ID, "r"),
                new CancellationRejected(ID, "r"),
                new VideoStartRejected(ID, "intro", "r"),
                new VideoFinishRejected(ID, "intro", "r"),
                new CompletionRejected(ID, "r"));

        assertThat(rejections).allSatisfy(rejection -> assertThat(training.evolve(registered, rejection))
                .isEqualTo(registered));
    }
}
