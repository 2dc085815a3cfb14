package io.fmodel.postgres;

/**
 * How the event store's tables are laid out in the database: on one PostgreSQL server, or distributed on Citus.
 *
 * <p>Both layouts have the same SQL API (functions, arguments, the columns of {@code events}, the SQLSTATEs), so the
 * adapter works against either unchanged. {@link SchemaInstaller#install(javax.sql.DataSource)} chooses by itself
 * ({@link SchemaInstaller#layoutOf}): the layout of the store already there, else {@link #CITUS} when the database
 * has the {@code citus} extension, else {@link #PLAIN}; {@link SchemaInstaller#install(javax.sql.DataSource,
 * SchemaLayout)} takes one explicitly. What differs is in docs/scaling.md.
 *
 * {@snippet :
 * SchemaInstaller.install(coordinator, SchemaLayout.CITUS); // SchemaLayoutException if the database has no Citus
 * }
 */
public enum SchemaLayout {

    /** The files of {@code sql/}: every table local to one server. */
    PLAIN,

    /**
     * The Citus variants of {@code sql/citus/} in place of those of {@code sql/}: {@code events} and {@code snapshots}
     * distributed by {@code decider_id}, {@code deciders} a reference table, the append and read functions distributed
     * by {@code v_decider_id} and colocated with {@code events}; every unique key includes {@code decider_id}
     * ({@code event_id} is unique per {@code decider_id}). Installed on the coordinator. Event streaming is
     * {@code sql/002} followed by its Citus amendment, {@code sql/citus/002_event_streaming.sql} (discovery per node,
     * docs/scaling.md); on a Citus store without the amendment (installed by an older release) processors refuse to
     * start ({@link SchemaLayoutException}).
     */
    CITUS
}
