/**
 * The PostgreSQL adapter: the event store of {@code sql/}, its repositories, processors and queries, all reached
 * from {@link io.fmodel.postgres.PostgresEventStore}. Only {@code io.fmodel.postgres} is exported: the
 * implementation ({@code io.fmodel.postgres.internal}) and the jOOQ code generated from {@code sql/} are not, and the
 * generated packages are opened to jOOQ alone, which instantiates their records reflectively.
 */
module io.fmodel.postgres {
    requires transitive io.fmodel.core;
    requires transitive java.sql;
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires java.net.http;
    requires org.jooq;
    requires org.postgresql.jdbc;
    requires org.slf4j;
    // EmbeddedStore's optional dependencies: present only for demos and tests
    requires static embedded.postgres;
    requires static com.zaxxer.hikari;

    exports io.fmodel.postgres;

    opens io.fmodel.postgres.internal.jooq to
            org.jooq;
    opens io.fmodel.postgres.internal.jooq.routines to
            org.jooq;
    opens io.fmodel.postgres.internal.jooq.tables to
            org.jooq;
    opens io.fmodel.postgres.internal.jooq.tables.records to
            org.jooq;
}
