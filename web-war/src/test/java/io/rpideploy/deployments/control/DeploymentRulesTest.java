package io.rpideploy.deployments.control;

import static io.rpideploy.deployments.entity.DeploymentState.CUSTOMIZING;
import static io.rpideploy.deployments.entity.DeploymentState.DOWNLOADING;
import static io.rpideploy.deployments.entity.DeploymentState.FAILED;
import static io.rpideploy.deployments.entity.DeploymentState.INTERRUPTED;
import static io.rpideploy.deployments.entity.DeploymentState.STARTED;
import static io.rpideploy.deployments.entity.DeploymentState.STARTING;
import static io.rpideploy.deployments.entity.DeploymentState.SUCCESS;
import static io.rpideploy.deployments.entity.DeploymentState.VERIFYING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.deployments.control.DeploymentRules.Figures;
import io.rpideploy.deployments.control.DeploymentRules.Move;
import io.rpideploy.deployments.entity.DeploymentState;
import io.rpideploy.netboot.api.SerialNumber;
import io.rpideploy.platform.control.DomainException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeploymentRulesTest {

    private static final Set<DeploymentState> REPORTABLE =
            EnumSet.of(STARTING, DOWNLOADING, VERIFYING, CUSTOMIZING, SUCCESS, FAILED);

    @Test
    void thePlansSequenceIsLegalInBothOrdersOfConfigAndStarting() {
        // config first, then the installer's reports
        assertEquals(Move.ADVANCE, move(STARTED, STARTING));
        assertEquals(Move.ADVANCE, move(STARTING, DOWNLOADING));
        assertEquals(Move.ADVANCE, move(DOWNLOADING, VERIFYING));
        assertEquals(Move.ADVANCE, move(VERIFYING, CUSTOMIZING));
        assertEquals(Move.ADVANCE, move(CUSTOMIZING, SUCCESS));
        // the plan's real order: "starting" came before config, so after config the next report is downloading
        assertEquals(Move.ADVANCE, move(STARTED, DOWNLOADING));
    }

    @Test
    void theSameStateAgainIsAProgressUpdate() {
        for (DeploymentState state : EnumSet.of(STARTING, DOWNLOADING, VERIFYING, CUSTOMIZING)) {
            assertEquals(Move.REPEAT, move(state, state), state.value());
        }
    }

    @Test
    void forwardSkipsAreLegalBecauseALostReportIsNeverResent() {
        assertEquals(Move.ADVANCE, move(STARTING, CUSTOMIZING));
        assertEquals(Move.ADVANCE, move(DOWNLOADING, SUCCESS));
    }

    @Test
    void failedIsLegalFromEveryStateThatIsNotFinal() {
        for (DeploymentState from : EnumSet.of(STARTED, STARTING, DOWNLOADING, VERIFYING, CUSTOMIZING, INTERRUPTED)) {
            assertEquals(Move.ADVANCE, move(from, FAILED), from.value());
        }
    }

    @Test
    void nothingFollowsAFinalState() {
        for (DeploymentState from : EnumSet.of(SUCCESS, FAILED)) {
            for (DeploymentState to : REPORTABLE) {
                DomainException e = assertThrows(DomainException.class, () -> move(from, to), from + "->" + to);
                assertEquals(DomainException.Kind.CONFLICT, e.kind());
                assertTrue(e.getMessage().contains("already ended with " + from.value()), e.getMessage());
            }
        }
    }

    @Test
    void neverBackwards() {
        assertConflict(DOWNLOADING, STARTING);
        assertConflict(VERIFYING, DOWNLOADING);
        assertConflict(CUSTOMIZING, VERIFYING);
        assertConflict(CUSTOMIZING, STARTING);
    }

    @Test
    void anInterruptedDeploymentRevivesOnlyWhileItIsTheBoardsLatest() {
        for (DeploymentState to : REPORTABLE) {
            assertEquals(Move.ADVANCE, DeploymentRules.transition(7, INTERRUPTED, to, true), to.value());
            DomainException e = assertThrows(DomainException.class,
                    () -> DeploymentRules.transition(7, INTERRUPTED, to, false));
            assertEquals(DomainException.Kind.CONFLICT, e.kind());
        }
    }

    @Test
    void startedAndInterruptedAreTheServersAlone() {
        for (String text : new String[] {"started", "interrupted", "", "done", null}) {
            DomainException e = assertThrows(DomainException.class, () -> DeploymentRules.reportedState(text));
            assertEquals(DomainException.Kind.INVALID_INPUT, e.kind());
            assertEquals("status", e.field());
        }
        assertEquals(DOWNLOADING, DeploymentRules.reportedState(" Downloading "));
        assertThrows(DomainException.class, () -> DeploymentRules.transition(1, STARTING, STARTED, true));
    }

    @Test
    void everyPairIsDecidedAsTheTableSays() {
        int legal = 0;
        for (DeploymentState from : DeploymentState.values()) {
            for (DeploymentState to : REPORTABLE) {
                try {
                    DeploymentRules.transition(1, from, to, true);
                    legal++;
                    assertFalse(from.isFinal(), from + "->" + to);
                } catch (DomainException e) {
                    assertTrue(from.isFinal() || to.rank() < from.rank(), from + "->" + to);
                }
            }
        }
        // started 6, starting 6, downloading 5, verifying 4, customizing 3, interrupted 6
        assertEquals(30, legal);
    }

    @Test
    void watchdogInterruptsOnlyActiveBoardsSilentForTheLimit() {
        Instant now = Instant.parse("2025-11-25T12:00:00Z");
        Duration limit = DeploymentRules.watchdogLimit(10);
        assertTrue(DeploymentRules.silent(DOWNLOADING, now.minus(Duration.ofMinutes(10)), now, limit));
        assertTrue(DeploymentRules.silent(STARTED, now.minus(Duration.ofHours(3)), now, limit));
        assertFalse(DeploymentRules.silent(DOWNLOADING, now.minus(Duration.ofMinutes(10)).plusMillis(1), now, limit));
        for (DeploymentState state : EnumSet.of(SUCCESS, FAILED, INTERRUPTED)) {
            assertFalse(DeploymentRules.silent(state, now.minus(Duration.ofDays(1)), now, limit), state.value());
        }
        assertFalse(DeploymentRules.silent(VERIFYING, null, now, limit));
        assertEquals(Duration.ofMinutes(1), DeploymentRules.watchdogLimit(0));
    }

    @Test
    void figuresAreCheckedAndMergedFieldByField() {
        Figures f = Figures.of(new BigDecimal("42.9"), BigDecimal.valueOf(10), BigDecimal.valueOf(100), null);
        assertEquals(42, f.progress());
        assertField("progress", () -> Figures.of(new BigDecimal("100.5"), null, null, null));
        assertField("progress", () -> Figures.of(BigDecimal.valueOf(-1), null, null, null));
        assertField("bytes_written", () -> Figures.of(null, BigDecimal.valueOf(101), BigDecimal.valueOf(100), null));
        assertField("rate_bps", () -> Figures.of(null, null, null, new BigDecimal("1.5")));
        assertField("bytes_total", () -> Figures.of(null, null, BigDecimal.valueOf(-3), null));
        Figures newer = new Figures(50, null, null, 1000L).over(f);
        assertEquals(new Figures(50, 10L, 100L, 1000L), newer);
    }

    @Test
    void boardInputIsNormalised() {
        assertNull(DeploymentRules.serial("unknown", "serial"));
        assertEquals(SerialNumber.of("10000000abcd1234"), DeploymentRules.serial("10000000ABCD1234", "serial"));
        assertField("serial", () -> DeploymentRules.serial("1000/0000", "serial"));
        assertNull(DeploymentRules.hostname("None"));
        assertEquals("KXP2-CORO-001", DeploymentRules.hostname("kxp2-coro-001"));
        assertField("hostname", () -> DeploymentRules.hostname("bad name;rm"));
        assertEquals(DeploymentRules.MAX_TEXT, DeploymentRules.text("x".repeat(5000)).length());
        assertNull(DeploymentRules.text("  "));
    }

    @Test
    void imageUrlIsWhereTheRequestArrivedOrThePublicUrl() {
        assertEquals("http://192.168.151.1:5001/images/kxp2%20v1.img",
                DeploymentRules.imageUrl(Optional.empty(), "192.168.151.1", 5001, "", "kxp2 v1.img"));
        assertEquals("http://[fd00::1]:5001/images/a.img",
                DeploymentRules.imageUrl(Optional.empty(), "fd00::1", 5001, "/", "a.img"));
        assertEquals("http://deploy.example:8080/images/a.img",
                DeploymentRules.imageUrl(Optional.of("http://deploy.example:8080/"), "10.0.0.1", 5001, "", "a.img"));
        assertEquals("fd00::1", DeploymentRules.serverIp(Optional.of("http://[fd00::1]:5001"), "10.0.0.1"));
        assertEquals("10.0.0.1", DeploymentRules.serverIp(Optional.empty(), "10.0.0.1"));
        assertEquals("10.0.0.1", DeploymentRules.serverIp(Optional.of("not a url"), "10.0.0.1"));
    }

    private static Move move(DeploymentState from, DeploymentState to) {
        return DeploymentRules.transition(1, from, to, true);
    }

    private static void assertConflict(DeploymentState from, DeploymentState to) {
        DomainException e = assertThrows(DomainException.class, () -> move(from, to), from + "->" + to);
        assertEquals(DomainException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("cannot go back"), e.getMessage());
    }

    private static void assertField(String field, Runnable check) {
        DomainException e = assertThrows(DomainException.class, check::run);
        assertEquals(DomainException.Kind.INVALID_INPUT, e.kind());
        assertEquals(field, e.field());
    }
}
