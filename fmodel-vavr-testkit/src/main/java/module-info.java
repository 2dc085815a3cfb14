/**
 * Given/when/then specifications and property-based laws (QuickTheories) for {@code io.fmodel.vavr}'s
 * {@code EitherDecider} and {@code EitherAggregate}.
 */
module io.fmodel.vavr.testkit {
    requires transitive io.fmodel.vavr;
    requires transitive quicktheories; // Gen appears in the laws' signatures
    requires io.fmodel.testkit;
    requires org.assertj.core;

    exports io.fmodel.vavr.testkit;
}
