/**
 * The event store in a Spring Boot application: auto-configuration, {@code fmodel.*} properties, processors as
 * lifecycle beans, health, an Actuator endpoint and Micrometer metrics (docs/spring-boot.md).
 */
@NullMarked
package io.fmodel.spring;

import org.jspecify.annotations.NullMarked;
