package io.fmodel.examples;

import io.fmodel.core.Both;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.examples.training.AvailableTrainings;
import io.fmodel.examples.training.Certificate;
import io.fmodel.examples.training.CertificateCommand;
import io.fmodel.examples.training.CertificateEvent;
import io.fmodel.examples.training.CertificateState;
import io.fmodel.examples.training.CertificationSaga;
import io.fmodel.examples.training.CourseCommand;
import io.fmodel.examples.training.CourseCommand.OpenCourse;
import io.fmodel.examples.training.CourseCommand.ReserveSeat;
import io.fmodel.examples.training.CourseEvent;
import io.fmodel.examples.training.CourseEvent.SeatReserved;
import io.fmodel.examples.training.CourseState;
import io.fmodel.examples.training.School;
import io.fmodel.examples.training.SchoolCommand;
import io.fmodel.examples.training.SchoolEvent;
import io.fmodel.examples.training.SeatReleaseSaga;
import io.fmodel.examples.training.TrainingCommand;
import io.fmodel.examples.training.TrainingCommand.CancelRegistration;
import io.fmodel.examples.training.TrainingCommand.CompleteTraining;
import io.fmodel.examples.training.TrainingCommand.FinishVideo;
import io.fmodel.examples.training.TrainingCommand.RegisterTrainee;
import io.fmodel.examples.training.TrainingCommand.StartVideo;
import io.fmodel.examples.training.TrainingEvent;
import io.fmodel.examples.training.TrainingHistory;
import io.fmodel.examples.training.TrainingState;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.StreamProcessor;
import io.fmodel.postgres.StreamingOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The demo's scenario on one database: courses open, trainees register concurrently, the seed's story (an admin
 * cancels while the trainee starts a video, at the same moment), trainees learn and complete, the certification saga
 * issues certificates, and the views catch up, all through the real event store and processors. Does I/O; not
 * thread-safe (run it once).
 */
final class Scenario {

    static final String ADMIN = "olivia";
    static final String STORY_TRAINEE = "alice";
    static final String STORY_COURSE = "JAVA-101";
    static final String STORY_VIDEO = "intro";
    static final LocalDate DUE = LocalDate.of(2026, 12, 31);
    private static final List<String> NAMES =
            List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory");
    private static final String SMALL_COURSE = "PG-301";

    /**
     * What to run.
     *
     * @param trainees how many trainees register (each for one or two courses)
     * @param threads how many threads send commands at once
     * @param runTag appended to every trainee and course id, so that runs on a shared database do not meet; empty
     *     for a fresh database
     */
    record Options(int trainees, int threads, String runTag) {
        Options {
            if (trainees < 2 || threads < 1) {
                throw new IllegalArgumentException("need at least 2 trainees and 1 thread");
            }
        }
    }

    /**
     * The outcome of the seed's story.
     *
     * @param trainingId the contested training
     * @param winner the command that committed first
     * @param winnerEvents what it decided
     * @param loser the command that lost the race
     * @param conflicts the conflicts the loser hit (detected by the store's optimistic lock)
     * @param loserEvents what the loser decided after reading the winner's event
     */
    record Story(
            UUID trainingId,
            TrainingCommand winner,
            List<SchoolEvent> winnerEvents,
            TrainingCommand loser,
            List<ObservedRepository.Conflict> conflicts,
            List<SchoolEvent> loserEvents) {

        /** {@return the loser's rejection reason, or empty if it was not rejected} */
        String loserReason() {
            return loserEvents.stream()
                    .filter(TrainingEvent.Rejection.class::isInstance)
                    .map(e -> ((TrainingEvent.Rejection) e).reason())
                    .findFirst()
                    .orElse("");
        }
    }

    /**
     * What happened, for the report and the end-to-end test.
     *
     * @param trainees the trainee ids
     * @param trainingIds every training registered
     * @param story the seed's story
     * @param commands commands sent by people (the scenario's threads)
     * @param sagaCommands commands sent by the sagas
     * @param conflicts optimistic-locking conflicts detected and retried
     * @param rejections rejections decided, by reason
     * @param eventsByDecider events in the store, by decider
     * @param certificates certificates issued
     * @param timings how long each step took
     */
    record Result(
            List<String> trainees,
            List<UUID> trainingIds,
            Story story,
            long commands,
            long sagaCommands,
            long conflicts,
            Map<String, Integer> rejections,
            Map<String, Long> eventsByDecider,
            long certificates,
            Map<String, Duration> timings) {}

    private final DataSource dataSource;
    private final PostgresEventStore store;
    private final Options options;
    private final PrintStream out;
    private final EventTypes<TrainingEvent> trainingTypes = EventTypes.of("training", TrainingEvent.class);
    private final PostgresEventRepository<TrainingCommand, TrainingEvent> trainings;
    private final ObservedRepository<SchoolCommand, SchoolEvent, UUID> schoolRepository;
    private final EventSourcingAggregate<SchoolCommand, Both<TrainingState, CourseState>, SchoolEvent> school;
    private final EventSourcingAggregate<CertificateCommand, CertificateState, CertificateEvent> certificates;
    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong sagaCommands = new AtomicLong();
    private final Map<String, AtomicInteger> rejections = new ConcurrentHashMap<>();
    private final Map<String, Duration> timings = new LinkedHashMap<>();

    Scenario(DataSource dataSource, Options options, PrintStream out) {
        this.dataSource = dataSource;
        this.store = PostgresEventStore.of(dataSource);
        this.options = options;
        this.out = out;
        this.trainings = store.repository(trainingTypes, c -> c.trainingId().toString());
        PostgresEventRepository<CourseCommand, CourseEvent> courses =
                store.repository(EventTypes.of("course", CourseEvent.class), CourseCommand::courseId);
        this.schoolRepository = new ObservedRepository<>(new SchoolRepository(trainings, courses));
        // Many trainees reserve seats on few course streams at once: allow many retries of the optimistic lock.
        this.school = EventSourcingAggregate.of(School.decider(), schoolRepository)
                .withRetry(RetryPolicy.of(200, Duration.ofMillis(1), Duration.ofMillis(20)));
        this.certificates = EventSourcingAggregate.of(
                Certificate.decider(),
                store.repository(EventTypes.of("certificate", CertificateEvent.class), c -> c.certificateId()
                        .toString()));
    }

    /** {@return the repository of training streams, to read them back} */
    PostgresEventRepository<TrainingCommand, TrainingEvent> trainings() {
        return trainings;
    }

    /** Runs the whole scenario, printing progress to {@code out}; the processors are closed when it returns. */
    Result run() throws Exception {
        List<String> trainees = trainees();
        List<Course> courses = courses();
        StreamingOptions streaming = StreamingOptions.defaults()
                .withWorkers(2)
                .withStartAt(StreamingOptions.FROM_THE_BEGINNING)
                .withRetries(RetryPolicy.of(5, Duration.ofMillis(100), Duration.ofMinutes(1)));
        List<StreamProcessor> processors = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads());
        try {
            long started = System.nanoTime();
            processors.add(store.startView(
                    "available_trainings" + suffix(),
                    trainingTypes,
                    AvailableTrainings.view(),
                    new AvailableTrainingsTable(),
                    streaming));
            processors.add(store.startView(
                    "training_history" + suffix(),
                    trainingTypes,
                    TrainingHistory.view(),
                    new TrainingHistoryTable(),
                    streaming));
            processors.add(store.startSaga(
                    "certification" + suffix(),
                    trainingTypes,
                    CertificationSaga.saga(),
                    (CertificateCommand command, UUID commandId) -> {
                        sagaCommands.incrementAndGet();
                        certificates.handle(command, commandId);
                    },
                    streaming));
            processors.add(store.startSaga(
                    "seat_release" + suffix(),
                    trainingTypes,
                    SeatReleaseSaga.saga(),
                    (CourseCommand command, UUID commandId) -> {
                        sagaCommands.incrementAndGet();
                        school.handle(command, commandId);
                    },
                    streaming));
            timings.put("start 2 view and 2 saga processors", since(started));

            step("open courses", () -> courses.forEach(c -> send(new OpenCourse(c.id(), c.title(), c.capacity()))));

            List<Registration> registrations = Collections.synchronizedList(new ArrayList<>());
            List<Runnable> registering = new ArrayList<>();
            for (int i = 0; i < trainees.size(); i++) {
                String trainee = trainees.get(i);
                List<Course> chosen = i % 2 == 0
                        ? List.of(courses.get(i % courses.size()), smallCourse(courses))
                        : List.of(courses.get(i % courses.size()));
                for (Course course : chosen.stream().distinct().toList()) {
                    registering.add(() -> register(trainee, course).ifPresent(registrations::add));
                }
            }
            step(
                    "register trainees (" + options.threads() + " threads)",
                    () -> runAll(pool, registering, "registering"));

            Registration contested = registrations.stream()
                    .filter(r -> r.trainee().equals(trainee(STORY_TRAINEE))
                            && r.courseId().equals(course(STORY_COURSE)))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("the story's registration is missing"));
            Story story = step("the story: cancel and start a video at the same moment", () -> story(contested));
            if (story.winner() instanceof StartVideo) {
                send(new FinishVideo(contested.trainingId(), STORY_VIDEO));
                send(new CompleteTraining(contested.trainingId()));
            }

            List<Runnable> learning = new ArrayList<>();
            List<Registration> others = registrations.stream()
                    .filter(r -> !r.equals(contested))
                    .sorted((a, b) -> a.trainingId().compareTo(b.trainingId()))
                    .toList();
            for (int k = 0; k < others.size(); k++) {
                learning.add(plan(others.get(k), k));
            }
            step("watch videos and complete trainings", () -> runAll(pool, learning, "learning"));

            step("views and sagas catch up", () -> catchUp(processors));

            List<UUID> ids =
                    registrations.stream().map(Registration::trainingId).toList();
            Map<String, Integer> rejected = new TreeMap<>();
            rejections.forEach((reason, count) -> rejected.put(reason, count.get()));
            timings.put("total", since(started));
            return new Result(
                    trainees,
                    ids,
                    story,
                    commands.get(),
                    sagaCommands.get(),
                    schoolRepository.conflictCount(),
                    rejected,
                    eventsByDecider(),
                    certificatesIssued(),
                    Collections.unmodifiableMap(new LinkedHashMap<>(timings)));
        } finally {
            pool.shutdownNow();
            for (StreamProcessor processor : processors) {
                processor.close();
            }
        }
    }

    /** A course of the scenario. */
    record Course(String id, String title, int capacity) {}

    /** A trainee's registration for a course. */
    record Registration(UUID trainingId, String trainee, String courseId) {}

    private List<String> trainees() {
        List<String> trainees = new ArrayList<>();
        for (int i = 0; i < options.trainees(); i++) {
            trainees.add(trainee(i < NAMES.size() ? NAMES.get(i) : String.format("trainee-%05d", i)));
        }
        return trainees;
    }

    private List<Course> courses() {
        int count = Math.max(3, options.trainees() / 40);
        // PG-301 is small, so that some trainees find it full; the others have a seat for everyone.
        List<Course> courses = new ArrayList<>(List.of(
                new Course(course(STORY_COURSE), "Modern Java", options.trainees()),
                new Course(course("SQL-201"), "SQL for developers", options.trainees()),
                new Course(course(SMALL_COURSE), "PostgreSQL internals", Math.max(2, options.trainees() / 4))));
        for (int i = 3; i < count; i++) {
            courses.add(new Course(course(String.format("ELECTIVE-%03d", i)), "Elective " + i, options.trainees()));
        }
        return List.copyOf(courses);
    }

    private Course smallCourse(List<Course> courses) {
        return courses.get(2);
    }

    private String trainee(String name) {
        return name + options.runTag();
    }

    private String course(String code) {
        return code + options.runTag();
    }

    private String suffix() {
        return options.runTag().replace('-', '_');
    }

    // A seat first, then the registration: a full course rejects the trainee before any training stream exists.
    private Optional<Registration> register(String trainee, Course course) {
        UUID trainingId =
                UUID.nameUUIDFromBytes(("training/" + trainee + "/" + course.id()).getBytes(StandardCharsets.UTF_8));
        List<SchoolEvent> seat = send(new ReserveSeat(course.id(), trainingId));
        if (seat.stream().noneMatch(SeatReserved.class::isInstance)) {
            return Optional.empty();
        }
        send(new RegisterTrainee(trainingId, trainee, course.id(), DUE));
        return Optional.of(new Registration(trainingId, trainee, course.id()));
    }

    // What each trainee does: most watch the intro and complete; some are cancelled by an admin before they start
    // (the seat release saga gives the seat back); some try to complete too early; some are still learning.
    private Runnable plan(Registration r, int k) {
        UUID id = r.trainingId();
        return switch (k % 6) {
            case 5 -> () -> send(new CancelRegistration(id, ADMIN, "moved to the next session"));
            case 4 -> () -> send(new StartVideo(id, STORY_VIDEO));
            case 3 ->
                () -> {
                    send(new StartVideo(id, STORY_VIDEO));
                    send(new CompleteTraining(id));
                    send(new FinishVideo(id, STORY_VIDEO));
                    send(new CompleteTraining(id));
                };
            default ->
                () -> {
                    send(new StartVideo(id, STORY_VIDEO));
                    send(new FinishVideo(id, STORY_VIDEO));
                    send(new CompleteTraining(id));
                };
        };
    }

    private List<SchoolEvent> send(SchoolCommand command) {
        commands.incrementAndGet();
        List<SchoolEvent> events = school.handle(command);
        for (SchoolEvent event : events) {
            String reason = reasonOf(event);
            if (!reason.isEmpty()) {
                rejections
                        .computeIfAbsent(reason.replace(options.runTag(), ""), k -> new AtomicInteger())
                        .incrementAndGet();
            }
        }
        return events;
    }

    /** {@return why a command was refused, empty if {@code event} is not a rejection} */
    static String reasonOf(SchoolEvent event) {
        return switch (event) {
            case TrainingEvent.Rejection r -> r.reason();
            case CourseEvent.Rejection r -> r.reason();
            case TrainingEvent e -> "";
            case CourseEvent e -> "";
        };
    }

    /**
     * The seed's story. Both commands read the registration, then wait for each other at a barrier, so that both
     * decide against the same version, as two users clicking at the same instant would. Both append; the store's
     * optimistic lock lets the first commit win and fails the other, which the aggregate retries: it reads the
     * winner's event, decides again, and is rejected with the reason.
     */
    private Story story(Registration contested) throws Exception {
        UUID id = contested.trainingId();
        TrainingCommand cancel = new CancelRegistration(id, ADMIN, "registered for the wrong session");
        TrainingCommand start = new StartVideo(id, STORY_VIDEO);
        CyclicBarrier sameMoment = new CyclicBarrier(2);
        Set<SchoolCommand> waiting = ConcurrentHashMap.newKeySet();
        waiting.addAll(List.of(cancel, start));
        Consumer<SchoolCommand> hold = command -> {
            if (waiting.remove(command)) {
                try {
                    sameMoment.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (BrokenBarrierException | TimeoutException e) {
                    // the other command did not come: go on alone, the report will show no conflict
                }
            }
        };
        schoolRepository.afterFetch(hold);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<List<SchoolEvent>> admin = two.submit(() -> send(cancel));
            Future<List<SchoolEvent>> trainee = two.submit(() -> send(start));
            List<SchoolEvent> cancelled = admin.get(30, TimeUnit.SECONDS);
            List<SchoolEvent> started = trainee.get(30, TimeUnit.SECONDS);
            List<ObservedRepository.Conflict> conflicts = schoolRepository.conflictsOn(id.toString());
            boolean cancelLost = conflicts.stream().anyMatch(c -> c.command().equals(cancel));
            return cancelLost
                    ? new Story(id, start, started, cancel, conflicts, cancelled)
                    : new Story(id, cancel, cancelled, start, conflicts, started);
        } finally {
            schoolRepository.afterFetch(command -> {});
            two.shutdownNow();
        }
    }

    private void runAll(ExecutorService pool, List<Runnable> tasks, String label) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (Runnable task : tasks) {
            futures.add(pool.submit(task));
        }
        int every = Math.max(1, tasks.size() / 10);
        for (int i = 0; i < futures.size(); i++) {
            futures.get(i).get(10, TimeUnit.MINUTES);
            if (tasks.size() >= 200 && (i + 1) % every == 0) {
                out.printf("    %s: %d/%d%n", label, i + 1, tasks.size());
            }
        }
    }

    // Done when every processor has nothing left and every completed training has its certificate: a saga's
    // commands append new events, so lag alone could be zero for a moment before the last certificate.
    private void catchUp(List<StreamProcessor> processors) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long lastPrint = System.nanoTime();
        while (true) {
            long lag = 0;
            for (StreamProcessor processor : processors) {
                lag += processor.lag();
            }
            long completed = count("SELECT count(*) FROM events WHERE decider = 'training'"
                    + " AND event = 'TrainingCompleted' AND data->>'traineeId' = ANY (?)");
            if (lag == 0 && completed == certificatesIssued()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the processors did not catch up in 5 minutes; lag " + lag);
            }
            if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(1)) {
                out.printf("    catching up: %d events still to process%n", lag);
                lastPrint = System.nanoTime();
            }
            Thread.sleep(50);
        }
    }

    private long certificatesIssued() throws SQLException {
        return count("SELECT count(*) FROM events WHERE decider = 'certificate' AND event = 'CertificateIssued'"
                + " AND data->>'traineeId' = ANY (?)");
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("text", trainees().toArray()));
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private Map<String, Long> eventsByDecider() throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT decider, count(*) FROM events GROUP BY decider");
                ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                counts.put(result.getString(1), result.getLong(2));
            }
        }
        return counts;
    }

    private interface Step<T> {
        T run() throws Exception;
    }

    private interface VoidStep {
        void run() throws Exception;
    }

    private void step(String name, VoidStep body) throws Exception {
        step(name, () -> {
            body.run();
            return name;
        });
    }

    private <T> T step(String name, Step<T> body) throws Exception {
        out.printf("  %s ...%n", name);
        long started = System.nanoTime();
        T result = body.run();
        Duration took = since(started);
        timings.put(name, took);
        out.printf("  %s: done in %d ms%n", name, took.toMillis());
        return result;
    }

    private static Duration since(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
