package io.rpideploy.platform.control;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets one database write run at a time, around the transaction so that the commit happens before the next writer
 * starts. Re-entrant: a serialized method may call another. The lock is fair (first come, first served): with
 * barging allowed, a writer could lose its turn again and again, and under many concurrent clients the slowest
 * assignments waited several times as long as the typical one (figures in docs/performance.md). Waiting is bounded
 * by {@link #MAX_WAIT_SECONDS}.
 */
@SerializedWrite
@Interceptor
// PLATFORM_BEFORE + 100 runs before @Transactional's interceptor (PLATFORM_BEFORE + 200), i.e. around it.
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class SerializedWriteInterceptor {

    private static final ReentrantLock WRITER = new ReentrantLock(true);
    /** How long a write waits for its turn before the caller gets "busy, retry" (never SQLITE_BUSY). */
    private static final long MAX_WAIT_SECONDS = 60;

    @AroundInvoke
    public Object serialize(InvocationContext invocation) throws Exception {
        if (!WRITER.tryLock(MAX_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new DomainException(DomainException.Kind.UNAVAILABLE, null,
                    "The database is busy with other changes; retry in a moment");
        }
        try {
            return invocation.proceed();
        } finally {
            WRITER.unlock();
        }
    }

    /** Writers waiting now (for health and benchmarks). */
    public static int queueLength() {
        return WRITER.getQueueLength();
    }
}
