package io.reactorsupervisor.samples.web;

import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.reactorsupervisor.ComponentUnavailableException;
import io.reactorsupervisor.MailboxFullException;
import io.reactorsupervisor.MessageCrashedException;
import io.reactorsupervisor.samples.shop.Describe;
import io.reactorsupervisor.samples.shop.OrderLineTooLongException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
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
 *   <li>an action while actions are disabled: 403;</li>
 *   <li>{@link MessageCrashedException}: 500. The request's message crashed the component: that is
 *       a fault of the server (a handler that should have answered with a rejection threw or
 *       trapped instead), not a verdict on the input, which is what 422 says here;</li>
 *   <li>an order line the parser rejected, with a reply or, for a line too long, with
 *       {@link OrderLineTooLongException} (its {@code RESUME} directive: parse carries on): 422;
 *       an unknown component: 404;</li>
 *   <li>anything else: Spring's status for its own errors, or 500 without a word of the cause.</li>
 * </ul>
 *
 * <p>No answer names a Java class: details are written here, and a cause is given by its message.
 */
@RestControllerAdvice
class ErrorMapping {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);
    private static final Pattern COMPONENT = Pattern.compile("component '([^']*)'");
    /** A qualified Java class name followed by a colon, as {@code Throwable.toString()} writes it inside a message. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*: ");

    @ExceptionHandler(MailboxFullException.class)
    ResponseEntity<ProblemDetail> mailboxFull(MailboxFullException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "mailbox-full", e.getMessage()));
    }

    @ExceptionHandler(ComponentUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(ComponentUnavailableException e) {
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "component-unavailable",
                "component '" + e.path() + "' is " + e.state() + " and does not accept messages");
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
                .body(problem(HttpStatus.GATEWAY_TIMEOUT, "timeout", "no reply in time"));
    }

    /** The component's path and what went wrong, never the exception's class. */
    @ExceptionHandler(MessageCrashedException.class)
    ResponseEntity<ProblemDetail> crashed(MessageCrashedException e) {
        Matcher m = COMPONENT.matcher(String.valueOf(e.getMessage()));
        String component = m.find() ? m.group(1) : null;
        ProblemDetail problem = problem(HttpStatus.INTERNAL_SERVER_ERROR, "message-crashed",
                "the message crashed " + (component != null ? "component '" + component + "'" : "the component")
                        + "; it restarts");
        if (component != null) {
            problem.setProperty("component", component);
        }
        problem.setProperty("cause", withoutClassName(e.getCause()));
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(problem);
    }

    @ExceptionHandler(ShopController.ActionsDisabledException.class)
    ResponseEntity<ProblemDetail> actionsDisabled(ShopController.ActionsDisabledException e) {
        return ResponseEntity.status(HttpStatus.FORBIDDEN)
                .body(problem(HttpStatus.FORBIDDEN, "actions-disabled", e.getMessage()));
    }

    /**
     * Anything else: Spring's own errors (a missing parameter, a wrong method) keep their status
     * and their detail, which names no class; any other failure is a 500 that says nothing of
     * its cause to the client, and is logged.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (e instanceof ErrorResponse) {
            ErrorResponse r = (ErrorResponse) e;
            HttpStatus status = HttpStatus.resolve(r.getStatusCode().value());
            String detail = r.getBody().getDetail();
            ProblemDetail problem = problem(status != null ? status : HttpStatus.BAD_REQUEST, "bad-request",
                    detail != null ? detail : r.getStatusCode().toString());
            return ResponseEntity.status(r.getStatusCode()).headers(r.getHeaders()).body(problem);
        }
        LOG.error("the dashboard failed to answer a request", e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "the server failed; see its log"));
    }

    /** A failure in words for the client: a WebAssembly trap or a health check as the shop says them, else the message alone. */
    private static String withoutClassName(@Nullable Throwable t) {
        if (t == null) {
            return "unknown";
        }
        String described = Describe.cause(t);
        String prefix = t.getClass().getSimpleName() + ": ";
        String text = described.startsWith(prefix) ? described.substring(prefix.length()) : described;
        return CLASS_NAME.matcher(text).replaceAll("");
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
