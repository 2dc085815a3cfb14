/**
 * The training example: a domain (deciders, views, sagas in {@code io.fmodel.examples.training}) and its wiring to
 * PostgreSQL. A module of its own, so that it compiles against what the adapter exports and nothing else.
 */
module io.fmodel.examples {
    requires io.fmodel.postgres;
    requires com.zaxxer.hikari;

    // Jackson binds the events, commands and states of the domain
    opens io.fmodel.examples.training to
            com.fasterxml.jackson.databind;
}
