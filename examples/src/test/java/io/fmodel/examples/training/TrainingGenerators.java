package io.fmodel.examples.training;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fmodel.examples.training.CertificateCommand.IssueCertificate;
import io.fmodel.examples.training.CourseCommand.CloseCourse;
import io.fmodel.examples.training.CourseCommand.OpenCourse;
import io.fmodel.examples.training.CourseCommand.ReleaseSeat;
import io.fmodel.examples.training.CourseCommand.ReserveSeat;
import io.fmodel.examples.training.TrainingCommand.CancelRegistration;
import io.fmodel.examples.training.TrainingCommand.CompleteTraining;
import io.fmodel.examples.training.TrainingCommand.FinishVideo;
import io.fmodel.examples.training.TrainingCommand.RegisterTrainee;
import io.fmodel.examples.training.TrainingCommand.StartVideo;
import io.fmodel.examples.training.TrainingEvent.CompletionRejected;
import io.fmodel.examples.training.TrainingEvent.RegistrationCancelled;
import io.fmodel.examples.training.TrainingEvent.RegistrationCreated;
import io.fmodel.examples.training.TrainingEvent.TrainingCompleted;
import io.fmodel.examples.training.TrainingEvent.VideoFinished;
import io.fmodel.examples.training.TrainingEvent.VideoStarted;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories generators for the training domain, over small pools of ids so that commands often meet the same
 * training, trainee, course or video (which is where the interesting decisions are).
 *
 * <p>{@link #histories()} gives realistic event histories: random commands over several trainings, each decided by
 * {@link Training#decider()} against the current state of its training.
 */
public final class TrainingGenerators {

    /** A few trainings. */
    public static final List<UUID> TRAININGS = ids("training", 4);

    /** A few trainees. */
    public static final List<String> TRAINEES = List.of("alice", "bob", "carol");

    /** A few courses. */
    public static final List<String> COURSES = List.of("JAVA-101", "SQL-201");

    /** A few videos. */
    public static final List<String> VIDEOS = List.of("intro", "records", "sealed");

    /** A few admins. */
    public static final List<String> ADMINS = List.of("dave", "erin");

    private TrainingGenerators() {}

    /** {@return any training command addressed to one of {@link #TRAININGS}} */
    public static Gen<TrainingCommand> trainingCommands() {
        return trainingCommands(Generate.pick(TRAININGS));
    }

    /**
     * {@return any training command addressed to a training of {@code ids}}; videos are started and finished more
     * often than trainees are registered or cancelled, so that sequences reach completion.
     */
    public static Gen<TrainingCommand> trainingCommands(Gen<UUID> ids) {
        Gen<TrainingCommand> register = ids.zip(
                Generate.pick(TRAINEES),
                Generate.pick(COURSES),
                integers().between(0, 365).map(days -> LocalDate.of(2026, 1, 1).plusDays(days)),
                RegisterTrainee::new);
        Gen<TrainingCommand> cancel = ids.zip(
                Generate.pick(ADMINS),
                Generate.pick(List.of("booked twice", "left the company")),
                CancelRegistration::new);
        Gen<TrainingCommand> start = ids.zip(Generate.pick(VIDEOS), StartVideo::new);
        Gen<TrainingCommand> finish = ids.zip(Generate.pick(VIDEOS), FinishVideo::new);
        Gen<TrainingCommand> complete = ids.map(CompleteTraining::new);
        return Generate.frequency(List.of(
                Pair.of(2, register), Pair.of(1, cancel), Pair.of(4, start), Pair.of(4, finish), Pair.of(2, complete)));
    }

    /** {@return sequences of up to {@code maxSize} commands from {@code commands}} */
    public static <C> Gen<List<C>> sequences(Gen<C> commands, int maxSize) {
        return lists().of(commands).ofSizeBetween(0, maxSize);
    }

    /** {@return realistic histories: up to 80 random commands over {@link #TRAININGS}, decided one after another} */
    public static Gen<List<TrainingEvent>> histories() {
        return sequences(trainingCommands(), 80).map(TrainingGenerators::run);
    }

    /** {@return the events of deciding {@code commands} in order, each against the current state of its training} */
    public static List<TrainingEvent> run(List<TrainingCommand> commands) {
        var decider = Training.decider();
        Map<UUID, TrainingState> states = new HashMap<>();
        List<TrainingEvent> events = new ArrayList<>();
        for (var command : commands) {
            var state = states.getOrDefault(command.trainingId(), decider.initialState());
            for (var event : decider.decide(command, state)) {
                state = decider.evolve(state, event);
                events.add(event);
            }
            states.put(command.trainingId(), state);
        }
        return List.copyOf(events);
    }

    /**
     * {@return any single training event, over the small pools: registrations, cancellations, completions, videos and a
     * rejection} For view laws, which hold for any sequence of events, sensible or not.
     */
    public static Gen<TrainingEvent> trainingEvents() {
        Gen<UUID> ids = Generate.pick(TRAININGS);
        Gen<String> trainees = Generate.pick(TRAINEES);
        Gen<String> courses = Generate.pick(COURSES);
        Gen<TrainingEvent> created = ids.zip(
                trainees,
                courses,
                integers().between(0, 365).map(days -> LocalDate.of(2026, 1, 1).plusDays(days)),
                RegistrationCreated::new);
        Gen<TrainingEvent> cancelled = ids.zip(
                trainees,
                courses,
                Generate.pick(ADMINS),
                (id, trainee, course, admin) -> new RegistrationCancelled(id, trainee, course, admin, "booked twice"));
        Gen<TrainingEvent> completed = ids.zip(trainees, courses, TrainingCompleted::new);
        Gen<TrainingEvent> started = ids.zip(Generate.pick(VIDEOS), VideoStarted::new);
        Gen<TrainingEvent> finished = ids.zip(Generate.pick(VIDEOS), VideoFinished::new);
        Gen<TrainingEvent> rejected = ids.map(id -> new CompletionRejected(id, "no video has been watched yet"));
        return Generate.frequency(List.of(
                Pair.of(3, created),
                Pair.of(1, cancelled),
                Pair.of(2, completed),
                Pair.of(1, started),
                Pair.of(1, finished),
                Pair.of(1, rejected)));
    }

    /** {@return any command of the school: a training command or a command to course JAVA-101} */
    public static Gen<SchoolCommand> schoolCommands() {
        return Generate.frequency(List.of(
                Pair.of(1, trainingCommands().map(command -> (SchoolCommand) command)),
                Pair.of(1, courseCommands("JAVA-101").map(command -> (SchoolCommand) command))));
    }

    /** {@return any command to course {@code courseId}: open (capacity 0 to 4), reserve, release or close} */
    public static Gen<CourseCommand> courseCommands(String courseId) {
        var trainings = Generate.pick(ids("seat", 8));
        Gen<CourseCommand> open =
                integers().between(0, 4).map(capacity -> new OpenCourse(courseId, "A course", capacity));
        Gen<CourseCommand> reserve = trainings.map(id -> new ReserveSeat(courseId, id));
        Gen<CourseCommand> release = trainings.map(id -> new ReleaseSeat(courseId, id));
        Gen<CourseCommand> close = Generate.constant(new CloseCourse(courseId));
        return Generate.frequency(
                List.of(Pair.of(2, open), Pair.of(6, reserve), Pair.of(2, release), Pair.of(1, close)));
    }

    /** {@return any certificate issue for one of {@link #TRAININGS}, with the certificate id derived from it} */
    public static Gen<IssueCertificate> issueCertificates() {
        return Generate.pick(TRAININGS)
                .zip(
                        Generate.pick(TRAINEES),
                        Generate.pick(COURSES),
                        (training, trainee, course) ->
                                new IssueCertificate(Certificate.idFor(training), training, trainee, course));
    }

    private static List<UUID> ids(String prefix, int count) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(i -> UUID.nameUUIDFromBytes((prefix + "-" + i).getBytes(StandardCharsets.UTF_8)))
                .toList();
    }
}
