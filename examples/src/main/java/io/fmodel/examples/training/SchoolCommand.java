package io.fmodel.examples.training;

/**
 * A command to the {@link School}: either a {@link TrainingCommand} or a {@link CourseCommand}. Sealed, so a switch
 * over it (routing to a repository, for example) must handle both and needs no {@code default}.
 *
 * {@snippet :
 * String stream = switch (command) {
 *     case TrainingCommand c -> c.trainingId().toString();
 *     case CourseCommand c -> c.courseId();
 * };
 * }
 */
public sealed interface SchoolCommand permits TrainingCommand, CourseCommand {}
