package io.fmodel.examples.training;

import static io.fmodel.examples.training.TrainingGenerators.courseCommands;
import static io.fmodel.examples.training.TrainingGenerators.sequences;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fmodel.core.Decider;
import io.fmodel.examples.training.CourseEvent.CourseFull;
import io.fmodel.examples.training.CourseState.Opened;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class CourseProperties {

    final Decider<CourseCommand, CourseState, CourseEvent> course = Course.decider();

    @Test
    void seats_reserved_never_exceed_capacity_and_no_training_holds_two() {
        qt().forAll(sequences(courseCommands("JAVA-101"), 60)).checkAssert(commands -> {
            var state = course.initialState();
            for (var command : commands) {
                for (var event : course.decide(command, state)) {
                    state = course.evolve(state, event);
                }
                if (state instanceof Opened opened) {
                    assertThat(opened.seats()).hasSizeLessThanOrEqualTo(opened.capacity());
                    assertThat(new HashSet<>(opened.seats())).hasSameSizeAs(opened.seats());
                }
            }
        });
    }

    @Test
    void a_course_is_full_only_when_every_seat_is_taken() {
        qt().forAll(sequences(courseCommands("JAVA-101"), 60)).checkAssert(commands -> {
            var state = course.initialState();
            for (var command : commands) {
                for (var event : course.decide(command, state)) {
                    if (event instanceof CourseFull) {
                        assertThat(state).isInstanceOfSatisfying(Opened.class, opened -> assertThat(opened.seats())
                                .hasSize(opened.capacity()));
                    }
                    state = course.evolve(state, event);
                }
            }
        });
    }

    @Test
    void deciding_a_reservation_or_release_again_right_after_it_decides_nothing_more() {
        qt().forAll(sequences(courseCommands("JAVA-101"), 40), courseCommands("JAVA-101"))
                .checkAssert((given, command) -> {
                    var state = course.initialState();
                    for (var earlier : given) {
                        for (var event : course.decide(earlier, state)) {
                            state = course.evolve(state, event);
                        }
                    }
                    var once = state;
                    for (var event : course.decide(command, state)) {
                        once = course.evolve(once, event);
                    }
                    var twice = once;
                    for (var event : course.decide(command, once)) {
                        twice = course.evolve(twice, event);
                    }

                    assertThat(twice).isEqualTo(once);
                });
    }
}
