package io.fmodel.postgres.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one default Jackson mapper of the adapter, so that every default path encodes events the same way. */
public final class Json {

    private Json() {}

    /**
     * {@return a new mapper with {@code java.time} support: dates and instants as ISO-8601 strings}
     *
     * <p>A domain keeps records of {@code LocalDate}, {@code Instant}, ... without any Jackson annotation.
     */
    public static ObjectMapper defaultMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }
}
