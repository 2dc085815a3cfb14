package io.fmodel.examples.training;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Reads a {@link LocalDate} stored as an ISO-8601 string ({@code "2026-12-31"}), the one piece of JSON mapping the
 * domain carries. The event store's processors decode events with a plain Jackson 2 {@code ObjectMapper}, which
 * refuses {@code java.time} types unless the jsr310 module is registered; annotating the one date field of
 * {@link TrainingEvent.RegistrationCreated} keeps its JSON readable by any mapper. Written with
 * {@code ToStringSerializer}, read with this.
 */
final class IsoDate extends StdScalarDeserializer<LocalDate> {

    private static final long serialVersionUID = 1L;

    IsoDate() {
        super(LocalDate.class);
    }

    @Override
    public LocalDate deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        String text = parser.getValueAsString();
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException | NullPointerException e) {
            return (LocalDate) context.handleWeirdStringValue(LocalDate.class, text, "not an ISO-8601 date");
        }
    }
}
