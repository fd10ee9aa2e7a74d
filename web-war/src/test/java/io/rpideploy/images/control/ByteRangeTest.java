package io.rpideploy.images.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rpideploy.images.control.ByteRange.Kind;
import org.junit.jupiter.api.Test;

class ByteRangeTest {

    private static void partial(String header, long size, long first, long last) {
        ByteRange range = ByteRange.parse(header, size);
        assertEquals(Kind.PARTIAL, range.kind(), header);
        assertEquals(first, range.first(), header);
        assertEquals(last, range.last(), header);
        assertEquals(last - first + 1, range.length(), header);
        assertEquals("bytes " + first + "-" + last + "/" + size, range.contentRange());
    }

    private static void kind(String header, long size, Kind kind) {
        assertEquals(kind, ByteRange.parse(header, size).kind(), header);
    }

    @Test
    void singleRangesAsInRfc9110() {
        partial("bytes=100-199", 1000, 100, 199);
        partial("bytes=100-", 1000, 100, 999);
        partial("bytes=-10", 1000, 990, 999);
        partial("bytes=-5000", 1000, 0, 999);
        partial("bytes=0-0", 1000, 0, 0);
        partial("bytes=990-99999999999999999999999", 1000, 990, 999);
        partial("BYTES = 5-9", 1000, 5, 9);
        partial("bytes=5-9,", 1000, 5, 9);
        partial("bytes=17179869184-", 17179869185L, 17179869184L, 17179869184L);
    }

    @Test
    void unsatisfiableRanges() {
        kind("bytes=1000-", 1000, Kind.UNSATISFIABLE);
        kind("bytes=5000-6000", 1000, Kind.UNSATISFIABLE);
        kind("bytes=-0", 1000, Kind.UNSATISFIABLE);
        kind("bytes=0-", 0, Kind.UNSATISFIABLE);
        kind("bytes=2000-3000,4000-", 1000, Kind.UNSATISFIABLE);
        kind("bytes=99999999999999999999999-", 1000, Kind.UNSATISFIABLE);
        assertEquals("bytes */1000", ByteRange.parse("bytes=1000-", 1000).contentRange());
    }

    @Test
    void malformedOrMultipleRangesServeTheWholeFile() {
        for (String header : new String[] {null, "", "bytes", "bytes=", "bytes=,", "items=0-1", "bytes=a-b",
            "bytes=5-1", "bytes=--1", "bytes=1", "bytes=-", "bytes=0-1,5-6", "bytes=0-1,2000-3000",
            "bytes=+1-2", "bytes=1-2-3", "bytes=" + "0-1,".repeat(100)}) {
            ByteRange range = ByteRange.parse(header, 1000);
            assertEquals(Kind.FULL, range.kind(), header);
            assertEquals(1000, range.length(), header);
        }
    }
}
