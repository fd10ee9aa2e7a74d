package io.rpideploy.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import java.time.Duration;

/** The one place time comes from, so rules can be tested with a fixed clock. */
@ApplicationScoped
public class ClockProducer {

    @Produces
    @ApplicationScoped
    public Clock clock() {
        // millisecond ticks: what the database stores is exactly what the API answered
        return Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));
    }
}
