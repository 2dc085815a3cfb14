package io.fmodel.examples.training;

/** Something that happened in the {@link School}: a {@link TrainingEvent} or a {@link CourseEvent}. */
public sealed interface SchoolEvent permits TrainingEvent, CourseEvent {}
