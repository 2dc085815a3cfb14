/**
 * fmodel's domain ({@code io.fmodel.core}: deciders, views, sagas and their combinators) and its application layer
 * ({@code io.fmodel.core.application}: aggregates, views and sagas run against small repository ports). Pure Java:
 * it reads the JDK and JSpecify's annotations, nothing else.
 */
module io.fmodel.core {
    requires transitive org.jspecify;

    exports io.fmodel.core;
    exports io.fmodel.core.application;
}
