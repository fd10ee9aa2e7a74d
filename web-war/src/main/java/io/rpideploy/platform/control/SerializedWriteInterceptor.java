package io.rpideploy.platform.control;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * Lets one database write run at a time, around the transaction so that the commit happens before the next writer
 * starts. Re-entrant: a serialized method may call another. The lock is fair (first come, first served): with
 * barging allowed, a writer could lose its turn again and again, and under many concurrent clients the slowest
 * assignments waited several times as long as the typical one (figures in docs/performance.md). Waiting is bounded
 * by {@link #MAX_WAIT_SECONDS}.
 * <p>
 * The outermost write also turns the database's own refusals (locked by another process beyond the busy timeout,
 * files unwritable, disk full) into "unavailable, retry" (503) instead of a 500, and records the outcome for
 * {@code /health} ({@link DatabaseWriteState}). A write refused only because its pooled connection was read-only
 * (opened while the file was unwritable; nothing was written) is tried again on another connection.
 */
@SerializedWrite
@Interceptor
// PLATFORM_BEFORE + 100 runs before @Transactional's interceptor (PLATFORM_BEFORE + 200), i.e. around it.
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class SerializedWriteInterceptor {

    private static final ReentrantLock WRITER = new ReentrantLock(true);
    /** How long a write waits for its turn before the caller gets "busy, retry" (never SQLITE_BUSY). */
    private static final long MAX_WAIT_SECONDS = 60;
    /** Attempts of a write refused by read-only connections: each refusal retires its connection. */
    static final int READ_ONLY_ATTEMPTS = 3;
    /** Attempts of a write SQLite refused as busy at once (well before its busy timeout). */
    static final int BUSY_ATTEMPTS = 5;
    private static final long QUICK_BUSY_NANOS = 2_000_000_000L;
    private static final Logger LOG = Logger.getLogger(SerializedWriteInterceptor.class.getName());

    @AroundInvoke
    public Object serialize(InvocationContext invocation) throws Exception {
        if (!WRITER.tryLock(MAX_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new DomainException(DomainException.Kind.UNAVAILABLE, null,
                    "The database is busy with other changes; retry in a moment");
        }
        try {
            if (WRITER.getHoldCount() > 1) {
                return invocation.proceed(); // nested: the outermost write decides
            }
            for (int attempt = 1; ; attempt++) {
                long started = System.nanoTime();
                try {
                    Object result = invocation.proceed();
                    DatabaseWriteState.succeeded();
                    return result;
                } catch (Exception | Error e) {
                    DatabaseFailures.Kind kind = DatabaseFailures.classify(e);
                    if (kind == DatabaseFailures.Kind.NONE) {
                        throw e;
                    }
                    DatabaseWriteState.failed(kind);
                    if (kind == DatabaseFailures.Kind.UNWRITABLE && attempt < READ_ONLY_ATTEMPTS
                            && readOnlyConnection(e)) {
                        continue;
                    }
                    if (kind == DatabaseFailures.Kind.BUSY && attempt < BUSY_ATTEMPTS
                            && System.nanoTime() - started < QUICK_BUSY_NANOS) {
                        // refused at once, not after the busy timeout: a momentary conflict inside SQLite, not
                        // another process holding the lock; the transaction was rolled back, so run it again
                        Throwable root = e;
                        while (root.getCause() != null && root.getCause() != root) {
                            root = root.getCause();
                        }
                        String cause = String.valueOf(root.getMessage());
                        LOG.info(() -> "A write was refused as busy at once (" + cause + "); it runs again");
                        Thread.sleep(20L * attempt);
                        continue;
                    }
                    throw unavailable(kind);
                }
            }
        } finally {
            WRITER.unlock();
        }
    }

    static DomainException unavailable(DatabaseFailures.Kind kind) {
        return new DomainException(DomainException.Kind.UNAVAILABLE, null, kind == DatabaseFailures.Kind.BUSY
                ? "The database is locked by another process; retry in a moment"
                : "The database cannot be written right now (files not writable or disk full); retry in a moment");
    }

    /** SQLITE_READONLY: SQLite refused before writing anything, so running the transaction again is safe. */
    static boolean readOnlyConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && (sql.getErrorCode() & 0xff) == 8) {
                return true;
            }
        }
        return false;
    }

    /** Writers waiting now (for health and benchmarks). */
    public static int queueLength() {
        return WRITER.getQueueLength();
    }

    /** Takes the writers' turn for a probe of the database ({@code /health}); false if not within the wait. */
    static boolean tryTurn(long wait, TimeUnit unit) throws InterruptedException {
        return WRITER.tryLock(wait, unit);
    }

    static void endTurn() {
        WRITER.unlock();
    }
}
