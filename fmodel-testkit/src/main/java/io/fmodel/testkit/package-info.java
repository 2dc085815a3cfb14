/** Given/when/then specifications and property-based laws for deciders, views and sagas. */
@NullMarked
package io.fmodel.testkit;

import org.jspecify.annotations.NullMarked;
