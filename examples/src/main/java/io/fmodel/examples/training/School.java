package io.fmodel.examples.training;

import io.fmodel.core.Both;
import io.fmodel.core.Decider;
import io.fmodel.core.RoutedDecider;

/**
 * The school: the {@link Training} and {@link Course} deciders combined into one, routed by type. A
 * {@link TrainingCommand} is decided by {@link Training} against the left state, a {@link CourseCommand} by
 * {@link Course} against the right one; each event evolves its own side only and leaves the other untouched (the law
 * {@code DeciderLaws.combineRoutesEachCommandToItsSide}, checked in {@code SchoolProperties}).
 *
 * <p>One aggregate over this decider handles every command of the school. Each command still reads and writes only
 * its own stream (a training or a course), so the side it does not address is always in its initial state there.
 * Pure.
 *
 * {@snippet :
 * var school = School.decider();
 * school.decide(new OpenCourse("JAVA-101", "Modern Java", 20), school.initialState());
 * // [CourseOpened[courseId=JAVA-101, title=Modern Java, capacity=20]]
 * }
 */
public final class School {

    private static final RoutedDecider<SchoolCommand, Both<TrainingState, CourseState>, SchoolEvent> DECIDER =
            Decider.combine(
                    Training.decider().routed(TrainingCommand.class, TrainingEvent.class),
                    Course.decider().routed(CourseCommand.class, CourseEvent.class));

    private School() {}

    /** {@return the combined decider; pure, starting from both sides' initial states} */
    public static RoutedDecider<SchoolCommand, Both<TrainingState, CourseState>, SchoolEvent> decider() {
        return DECIDER;
    }
}
