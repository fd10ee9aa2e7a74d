package io.rpideploy.deployments.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.deployments.entity.Deployment;
import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.netboot.api.MacAddress;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.platform.control.DomainException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportOriginTest {

    private static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");
    private static final MacAddress BOARD = MacAddress.of("2c:cf:67:00:00:01");
    private static final MacAddress OTHER = MacAddress.of("2c:cf:67:00:00:02");

    private static Deployment run(String ip, String token) {
        Deployment d = new Deployment(DeploymentState.STARTED, SerialNumber.of("10000000abcd0001"), BOARD, ip, NOW);
        if (token != null) {
            d.setReportTokenHash(ReportOrigin.hash(token));
        }
        return d;
    }

    @Test
    void theTokenProvesTheOriginFromAnyAddress() {
        String token = ReportOrigin.newToken();
        assertNotEquals(token, ReportOrigin.newToken());
        ReportOrigin.check(run("10.0.0.5", token), token, "10.0.0.99", Optional.of(OTHER));
        DomainException wrong = assertThrows(DomainException.class,
                () -> ReportOrigin.check(run("10.0.0.5", token), token + "x", "10.0.0.5", Optional.empty()));
        assertEquals(DomainException.Kind.FORBIDDEN, wrong.kind());
        assertThrows(DomainException.class,
                () -> ReportOrigin.check(run("10.0.0.5", null), token, "10.0.0.5", Optional.empty()),
                "a token for a run that has none is not proof");
    }

    @Test
    void withoutATokenOnlyTheOpeningAddressAndItsLeaseHolder() {
        ReportOrigin.check(run("10.0.0.5", "t"), null, "10.0.0.5", Optional.empty());
        ReportOrigin.check(run("10.0.0.5", "t"), null, "10.0.0.5", Optional.of(BOARD));
        assertThrows(DomainException.class,
                () -> ReportOrigin.check(run("10.0.0.5", "t"), null, "10.0.0.6", Optional.empty()));
        assertThrows(DomainException.class,
                () -> ReportOrigin.check(run("10.0.0.5", "t"), null, "10.0.0.5", Optional.of(OTHER)),
                "the address is now leased to another board");
    }

    @Test
    void aRunGoingOnElsewhereIsNotInterrupted() {
        Deployment going = run("10.0.0.5", "t");
        Duration quiet = Duration.ofMinutes(10);
        assertTrue(ReportOrigin.runningElsewhere(List.of(going), "10.0.0.7", BOARD, NOW, quiet).isPresent());
        assertTrue(ReportOrigin.runningElsewhere(List.of(going), "10.0.0.5", OTHER, NOW, quiet).isPresent());
        assertTrue(ReportOrigin.runningElsewhere(List.of(going), "10.0.0.5", BOARD, NOW, quiet).isEmpty(),
                "the board itself starting over");
        assertTrue(ReportOrigin.runningElsewhere(List.of(going), "10.0.0.7", BOARD, NOW.plus(quiet).plusSeconds(1),
                quiet).isEmpty(), "a run gone quiet no longer holds the board");
    }
}
