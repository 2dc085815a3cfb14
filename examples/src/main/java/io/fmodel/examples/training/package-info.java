/**
 * The training domain: trainees register for courses, watch videos and complete trainings; courses have a limited
 * number of seats; a completed training earns a certificate.
 *
 * <p>Everything here is pure: deciders ({@link io.fmodel.examples.training.Training},
 * {@link io.fmodel.examples.training.Course}, {@link io.fmodel.examples.training.Certificate}), views
 * ({@link io.fmodel.examples.training.AvailableTrainings}, {@link io.fmodel.examples.training.TrainingHistory}) and
 * sagas ({@link io.fmodel.examples.training.CertificationSaga}, {@link io.fmodel.examples.training.SeatReleaseSaga}).
 * A command that makes no sense in the current state is answered with a rejection event that says why, so the
 * decision is recorded in the stream like any other.
 */
@NullMarked
package io.fmodel.examples.training;

import org.jspecify.annotations.NullMarked;
