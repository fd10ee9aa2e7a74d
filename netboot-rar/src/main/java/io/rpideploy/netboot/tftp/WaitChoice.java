package io.rpideploy.netboot.tftp;

/**
 * Whether a lane polls for its client's next packet or sleeps until it comes, chosen per transfer by measuring
 * both. Which one is faster depends on where the scheduler runs the client: on another core polling saves our
 * wake-up (the expensive part of a lock-step block); on our own core polling only delays the client. So the
 * transfer tries polling for {@value #PROBE} answers, then sleeping for as many, keeps the faster way for the next
 * {@value #KEEP} answers and measures again.
 */
final class WaitChoice {

    static final int PROBE = 32;
    static final int KEEP = 1024;

    private enum Phase { TRY_POLL, TRY_SLEEP, KEEP }

    private Phase phase = Phase.TRY_POLL;
    private boolean poll = true;
    private int answers;
    private long phaseStart;
    private long pollNanos;

    /** @param now {@link System#nanoTime()} when the transfer starts */
    WaitChoice(long now) {
        phaseStart = now;
    }

    /** True: poll for the next packet; false: sleep until it comes. */
    boolean poll() {
        return poll;
    }

    /** The client answered (an ACK was handled) at {@code now} ({@link System#nanoTime()}). */
    void answered(long now) {
        if (++answers < (phase == Phase.KEEP ? KEEP : PROBE)) {
            return;
        }
        long perAnswer = (now - phaseStart) / answers;
        switch (phase) {
            case TRY_POLL -> {
                pollNanos = perAnswer;
                phase = Phase.TRY_SLEEP;
                poll = false;
            }
            case TRY_SLEEP -> {
                phase = Phase.KEEP;
                poll = pollNanos < perAnswer;
            }
            case KEEP -> {
                phase = Phase.TRY_POLL;
                poll = true;
            }
        }
        answers = 0;
        phaseStart = now;
    }
}
