package io.reactorsupervisor.samples.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;

/**
 * The dashboard on a random port, its actions enabled, without its background feed, with a short ask timeout and a
 * small ingest mailbox. Test classes that share this annotation share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(classes = DashboardApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"reactor-supervisor.dashboard.actions-enabled=true", "dashboard.feed-interval=0",
                "dashboard.ask-timeout=500ms", "dashboard.ingest-mailbox=16",
                "logging.level.root=WARN", "logging.level.io.reactorsupervisor.Supervisor=OFF"})
@AutoConfigureWebTestClient
@interface DashboardTest {
}
