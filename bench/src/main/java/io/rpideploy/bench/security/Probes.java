package io.rpideploy.bench.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What a legitimate client sees: each probe in a thread of its own, one request after another with a short pause
 * (so the probes add almost no load), every request timed. A request that fails (refused, timed out, a status other
 * than the expected one) is counted as a failure and timed until it failed. Used alike for the idle baseline and
 * under each attack.
 */
final class Probes {

    /** Pause between two requests of one probe. */
    static final long PAUSE_MILLIS = 100;

    /** One kind of request; throws when the answer is not the expected one. */
    interface Probe {
        String name();

        void call() throws Exception;
    }

    /** The latencies of one probe in one run. */
    record Stats(String name, long[] sortedNanos, int failures, Map<String, Integer> reasons) {

        int count() {
            return sortedNanos.length;
        }

        double medianMillis() {
            return percentile(50);
        }

        double p95Millis() {
            return percentile(95);
        }

        double percentile(double p) {
            if (sortedNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100 * sortedNanos.length) - 1;
            return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
        }
    }

    private Probes() {
    }

    /**
     * Runs every probe until it has {@code maxPerProbe} samples or {@code window} has passed, whichever comes first;
     * returns their statistics in the order given.
     */
    static Map<String, Stats> run(List<Probe> probes, Duration window, int maxPerProbe) throws InterruptedException {
        long deadline = System.nanoTime() + window.toNanos();
        List<Thread> threads = new ArrayList<>();
        Map<String, Stats> results = new LinkedHashMap<>();
        List<Runner> runners = new ArrayList<>();
        for (Probe probe : probes) {
            Runner runner = new Runner(probe, deadline, maxPerProbe);
            runners.add(runner);
            Thread t = new Thread(runner, "probe-" + probe.name());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            // each request has its own timeout; this is the outer bound
            t.join(window.toMillis() + TimeUnit.SECONDS.toMillis(30));
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        for (Runner r : runners) {
            results.put(r.probe.name(), r.stats());
        }
        return results;
    }

    private static final class Runner implements Runnable {
        private final Probe probe;
        private final long deadline;
        private final long[] nanos;
        private int count;
        private int failures;
        private final Map<String, Integer> reasons = new TreeMap<>();

        Runner(Probe probe, long deadline, int max) {
            this.probe = probe;
            this.deadline = deadline;
            this.nanos = new long[max];
        }

        @Override
        public void run() {
            while (count < nanos.length && System.nanoTime() < deadline) {
                long t0 = System.nanoTime();
                try {
                    probe.call();
                } catch (Exception e) {
                    failures++;
                    reasons.merge(reason(e), 1, Integer::sum);
                }
                synchronized (this) {
                    nanos[count++] = System.nanoTime() - t0;
                }
                try {
                    Thread.sleep(PAUSE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        synchronized Stats stats() {
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            return new Stats(probe.name(), sorted, failures, new TreeMap<>(reasons));
        }
    }

    static String reason(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + Wire.shorten(message));
    }
}
