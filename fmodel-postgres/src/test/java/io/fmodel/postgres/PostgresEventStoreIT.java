package io.fmodel.postgres;

import static io.fmodel.postgres.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fmodel.core.Saga;
import io.fmodel.core.View;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.core.application.Snapshot;
import io.fmodel.core.application.SnapshotPolicy;
import io.fmodel.core.application.StoredEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PostgresEventStore}: what it is configured with once reaches every part it makes. The events here are written
 * with a mapper of snake_case names, which the adapter's default mapper cannot read: every processor decodes them.
 */
class PostgresEventStoreIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    sealed interface NoteEvent permits Noted {
        String noteId();
    }

    record Noted(String noteId, String noteText, Instant notedAt) implements NoteEvent {}

    record Note(String noteId, String text) {}

    private static final EventTypes<NoteEvent> TYPES = EventTypes.of("note", NoteEvent.class);

    private static final ObjectMapper SNAKE_CASE = JsonMapper.builder()
            .findAndAddModules()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private final PostgresEventStore store =
            PostgresEventStore.of(db.dataSource()).withObjectMapper(SNAKE_CASE);

    @Test
    void events_written_with_the_stores_mapper_are_decoded_by_every_processor_of_the_store() throws Exception {
        PostgresEventRepository<Noted, NoteEvent> notes = store.repository(TYPES, Noted::noteId);
        Noted noted = new Noted("n-1", "remember the milk", Instant.parse("2026-12-02T10:15:30Z"));
        notes.append(noted, UUID.randomUUID(), List.of(noted), null);
        assertThat(rawData("n-1")).contains("\"note_text\"").contains("\"noted_at\"");

        List<NoteEvent> handled = new CopyOnWriteArrayList<>();
        List<NoteEvent> reacted = new CopyOnWriteArrayList<>();
        StreamingOptions options =
                StreamingOptions.defaults().withRetries(RetryPolicy.of(1, Duration.ZERO, Duration.ZERO));
        try (ViewProcessor view = store.startView(
                        "store-notes",
                        TYPES,
                        View.<Note, NoteEvent>of(
                                new Note("", ""),
                                (note, event) -> new Note(event.noteId(), ((Noted) event).noteText())),
                        store.jsonbViewStore("store_notes", NoteEvent::noteId, Note.class),
                        options);
                ViewProcessor handler = store.startAtLeastOnce("store-notes-handler", TYPES, handled::add, options);
                SagaProcessor saga = store.startSaga(
                        "store-notes-saga",
                        TYPES,
                        Saga.<NoteEvent, String>of(event -> {
                            reacted.add(event);
                            return List.of();
                        }),
                        (command, commandId) -> {},
                        options)) {
            await(Duration.ofSeconds(20), () -> view.lag() == 0 && handler.lag() == 0 && saga.lag() == 0);

            // the other tests of the class write notes of their own to the same log
            assertThat(handled).filteredOn(e -> e.noteId().equals("n-1")).containsExactly(noted);
            assertThat(reacted).filteredOn(e -> e.noteId().equals("n-1")).containsExactly(noted);
            assertThat(view.parked()).isEmpty();
            assertThat(handler.parked()).isEmpty();
            assertThat(saga.parked()).isEmpty();
        }
        assertThat(store.viewStates("store_notes", Note.class).find("n-1"))
                .contains(new Note("n-1", "remember the milk"));
        assertThat(notes.read("n-1")).extracting(StoredEvent::event).containsExactly(noted);
    }

    @Test
    void snapshots_take_the_decider_and_the_stream_ids_of_the_repository_they_serve() {
        PostgresEventRepository<Noted, NoteEvent> notes = store.repository(TYPES, Noted::noteId);
        PostgresSnapshotRepository<Noted, Note> snapshots = store.snapshots(notes, Note.class, "note-v1");
        var aggregate = EventSourcingAggregate.of(
                io.fmodel.core.Decider.<Noted, Note, NoteEvent>of(
                        new Note("", ""),
                        (command, note) -> List.of(command),
                        (note, event) -> new Note(event.noteId(), ((Noted) event).noteText())),
                notes,
                snapshots,
                SnapshotPolicy.every(1));
        Noted command = new Noted("n-2", "snapshotted", Instant.parse("2026-12-02T10:15:30Z"));

        aggregate.handle(command);

        Optional<Snapshot<Note, UUID>> snapshot = snapshots.load(command);
        assertThat(snapshot).map(Snapshot::state).contains(new Note("n-2", "snapshotted"));
        assertThat(snapshot.map(Snapshot::version))
                .contains(notes.read("n-2").getLast().version());
    }

    @Test
    void installing_the_schema_again_changes_nothing_and_returns_the_store() {
        assertThat(store.installSchema()).isSameAs(store);
        assertThat(store.objectMapper()).isSameAs(SNAKE_CASE);
        assertThat(store.withListener(ProcessorListener.none()).objectMapper()).isSameAs(SNAKE_CASE);
    }

    private static String rawData(String noteId) throws Exception {
        try (Connection c = db.connection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(
                        "SELECT data::text FROM events WHERE decider = 'note' AND decider_id = '" + noteId + "'")) {
            assertThat(r.next()).isTrue();
            return r.getString(1);
        }
    }
}
