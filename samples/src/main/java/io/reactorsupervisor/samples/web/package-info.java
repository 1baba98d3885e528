/**
 * A Spring Boot WebFlux application over the supervised order pipeline: JSON endpoints, the
 * event stream as Server-Sent Events and a live dashboard page.
 * See {@link io.reactorsupervisor.samples.web.DashboardApplication}.
 */
@NullMarked
package io.reactorsupervisor.samples.web;

import org.jspecify.annotations.NullMarked;
