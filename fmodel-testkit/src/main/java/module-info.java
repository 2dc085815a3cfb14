/** Given/when/then specifications and property-based laws (QuickTheories) for deciders, views and sagas. */
module io.fmodel.testkit {
    requires transitive io.fmodel.core;
    requires transitive quicktheories; // Gen appears in the laws' signatures
    requires org.assertj.core;

    exports io.fmodel.testkit;
}
