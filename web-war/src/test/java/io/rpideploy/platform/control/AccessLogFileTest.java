package io.rpideploy.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogFileTest {

    @TempDir
    Path dir;

    @Test
    void aNewFileEachDayAndOnlyTheNewestKept() throws Exception {
        SteppedClock clock = new SteppedClock(Instant.parse("2026-12-01T12:00:00Z"));
        try (AccessLogFile log = new AccessLogFile(dir.resolve("access"), 3, clock)) {
            for (int day = 0; day < 5; day++) {
                log.write("first of day " + day);
                log.write("second of day " + day);
                clock.advance(Duration.ofDays(1));
            }
        }
        List<String> names;
        try (Stream<Path> files = Files.list(dir.resolve("access"))) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        // the zone is the server's: the dates may be a day off UTC, never more than three files
        assertEquals(3, names.size(), names.toString());
        String newest = Files.readString(dir.resolve("access").resolve(names.get(2)));
        assertEquals("first of day 4\nsecond of day 4\n", newest);
    }

    @Test
    void aLineIsOnDiskAsSoonAsItIsWritten() throws Exception {
        SteppedClock clock = new SteppedClock(Instant.parse("2026-12-01T12:00:00Z"));
        try (AccessLogFile log = new AccessLogFile(dir, 30, clock)) {
            log.write("one");
            try (Stream<Path> files = Files.list(dir)) {
                Path file = files.findFirst().orElseThrow();
                assertEquals("one\n", Files.readString(file));
            }
        }
    }
}
