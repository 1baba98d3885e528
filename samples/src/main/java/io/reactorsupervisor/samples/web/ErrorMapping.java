package io.reactorsupervisor.samples.web;

import java.util.concurrent.TimeoutException;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.reactorsupervisor.ComponentUnavailableException;
import io.reactorsupervisor.MailboxFullException;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.samples.shop.Describe;
import io.reactorsupervisor.samples.shop.OrderLineTooLongException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * How the failures of a call to a component become HTTP statuses, as RFC 9457 problem details:
 *
 * <ul>
 *   <li>{@link MailboxFullException}: 503 with {@code Retry-After}, the component is overloaded;</li>
 *   <li>{@link ComponentUnavailableException}: 503, the component is failed, stopped or stopping;</li>
 *   <li>{@link CallNotPermittedException}: 503 with {@code Retry-After}, the circuit breaker is open;</li>
 *   <li>{@link TimeoutException}: 504, no reply within the ask timeout (or the time limiter's);</li>
 *   <li>{@link MessageCrashedException}: 500. The request's message crashed the component: that is
 *       a fault of the server (a handler that should have answered with a rejection threw or
 *       trapped instead), not a verdict on the input, which is what 422 says here;</li>
 *   <li>an order line the parser rejected, with a reply or, for a line too long, with
 *       {@link OrderLineTooLongException} (its {@code RESUME} directive: parse carries on): 422;
 *       an unknown component: 404.</li>
 * </ul>
 */
@RestControllerAdvice
class ErrorMapping {

    @ExceptionHandler(MailboxFullException.class)
    ResponseEntity<ProblemDetail> mailboxFull(MailboxFullException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "mailbox-full", e.getMessage()));
    }

    @ExceptionHandler(ComponentUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(ComponentUnavailableException e) {
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "component-unavailable", e.getMessage());
        problem.setProperty("component", e.path());
        problem.setProperty("state", e.state().name());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(problem);
    }

    @ExceptionHandler(CallNotPermittedException.class)
    ResponseEntity<ProblemDetail> breakerOpen(CallNotPermittedException e) {
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "circuit-open", e.getMessage());
        problem.setProperty("breaker", e.getCausingCircuitBreakerName());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
                .body(problem);
    }

    @ExceptionHandler(TimeoutException.class)
    ResponseEntity<ProblemDetail> timeout(TimeoutException e) {
        return ResponseEntity.status(HttpStatus.GATEWAY_TIMEOUT)
                .body(problem(HttpStatus.GATEWAY_TIMEOUT, "timeout", e.getMessage()));
    }

    @ExceptionHandler(MessageCrashedException.class)
    ResponseEntity<ProblemDetail> crashed(MessageCrashedException e) {
        ProblemDetail problem = problem(HttpStatus.INTERNAL_SERVER_ERROR, "message-crashed", e.getMessage());
        problem.setProperty("cause", Describe.cause(e.getCause()));
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(problem);
    }

    @ExceptionHandler(ShopController.RejectedOrderException.class)
    ResponseEntity<ProblemDetail> rejected(ShopController.RejectedOrderException e) {
        return ResponseEntity.unprocessableContent()
                .body(problem(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-order", e.getMessage()));
    }

    @ExceptionHandler(OrderLineTooLongException.class)
    ResponseEntity<ProblemDetail> tooLong(OrderLineTooLongException e) {
        return ResponseEntity.unprocessableContent()
                .body(problem(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-order", e.getMessage()));
    }

    @ExceptionHandler(ShopController.NoSuchComponentException.class)
    ResponseEntity<ProblemDetail> noSuchComponent(ShopController.NoSuchComponentException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(problem(HttpStatus.NOT_FOUND, "no-such-component", e.getMessage()));
    }

    /** A problem of type about:blank (its title is the status phrase), with the kind of failure as {@code problem}. */
    private static ProblemDetail problem(HttpStatus status, String kind, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setProperty("problem", kind);
        return problem;
    }
}
