package io.rpideploy.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.interceptor.InvocationContext;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class SerializedWriteInterceptorTest {

    private final SerializedWriteInterceptor interceptor = new SerializedWriteInterceptor();

    @Test
    void aWriteRefusedByReadOnlyConnectionsRunsAgainAndSucceeds() throws Exception {
        Invocation write = new Invocation(
                () -> { throw wrapped(SQLiteErrorCode.SQLITE_READONLY); },
                () -> { throw wrapped(SQLiteErrorCode.SQLITE_READONLY); },
                () -> "written");
        assertEquals("written", interceptor.serialize(write));
        assertEquals(3, write.calls);
    }

    @Test
    void readOnlyEveryTimeEndsIn503AfterTheLastAttempt() {
        Invocation write = new Invocation(
                () -> { throw wrapped(SQLiteErrorCode.SQLITE_READONLY); },
                () -> { throw wrapped(SQLiteErrorCode.SQLITE_READONLY); },
                () -> { throw wrapped(SQLiteErrorCode.SQLITE_READONLY); },
                () -> "never reached");
        DomainException e = assertThrows(DomainException.class, () -> interceptor.serialize(write));
        assertEquals(DomainException.Kind.UNAVAILABLE, e.kind());
        assertEquals(SerializedWriteInterceptor.READ_ONLY_ATTEMPTS, write.calls);
    }

    @Test
    void anIoErrorIs503AtOnceWithoutRunningAgain() {
        Invocation io = new Invocation(() -> { throw wrapped(SQLiteErrorCode.SQLITE_IOERR_WRITE); }, () -> "no");
        DomainException unwritable = assertThrows(DomainException.class, () -> interceptor.serialize(io));
        assertEquals(DomainException.Kind.UNAVAILABLE, unwritable.kind());
        assertEquals(1, io.calls);
    }

    @Test
    void aMomentaryBusyRunsAgainAndALastingOneIs503() throws Exception {
        Invocation once = new Invocation(() -> { throw wrapped(SQLiteErrorCode.SQLITE_BUSY); }, () -> "written");
        assertEquals("written", interceptor.serialize(once));
        assertEquals(2, once.calls);
        java.util.List<Callable<Object>> always = new java.util.ArrayList<>();
        for (int i = 0; i < SerializedWriteInterceptor.BUSY_ATTEMPTS; i++) {
            always.add(() -> { throw wrapped(SQLiteErrorCode.SQLITE_BUSY); });
        }
        @SuppressWarnings("unchecked")
        Invocation busy = new Invocation(always.toArray(new Callable[0]));
        DomainException locked = assertThrows(DomainException.class, () -> interceptor.serialize(busy));
        assertEquals("The database is locked by another process; retry in a moment", locked.getMessage());
        assertEquals(SerializedWriteInterceptor.BUSY_ATTEMPTS, busy.calls);
    }

    @Test
    void anythingElsePassesThroughUntouched() {
        IllegalStateException bug = new IllegalStateException("a bug");
        Invocation write = new Invocation(() -> { throw bug; });
        assertSame(bug, assertThrows(IllegalStateException.class, () -> interceptor.serialize(write)));
        DomainException conflict = DomainException.conflict("taken");
        Invocation refused = new Invocation(() -> { throw conflict; });
        assertSame(conflict, assertThrows(DomainException.class, () -> interceptor.serialize(refused)));
    }

    @Test
    void aNestedWriteLeavesTheDecisionToTheOutermost() throws Exception {
        Invocation inner = new Invocation(() -> { throw wrapped(SQLiteErrorCode.SQLITE_READONLY); });
        Invocation outer = new Invocation(() -> {
            RuntimeException raw = assertThrows(RuntimeException.class, () -> interceptor.serialize(inner));
            assertEquals(RuntimeException.class, raw.getClass()); // not yet a 503: the outermost decides
            return "outer done";
        });
        assertEquals("outer done", interceptor.serialize(outer));
        assertEquals(1, inner.calls);
    }

    private static RuntimeException wrapped(SQLiteErrorCode code) {
        return new RuntimeException("transaction failed", new SQLiteException(code.message, code));
    }

    /** An invocation whose successive proceed() calls run the given steps. */
    private static final class Invocation implements InvocationContext {
        private final Deque<Callable<Object>> steps = new ArrayDeque<>();
        int calls;

        @SafeVarargs
        Invocation(Callable<Object>... steps) {
            this.steps.addAll(java.util.List.of(steps));
        }

        @Override
        public Object proceed() throws Exception {
            calls++;
            return steps.removeFirst().call();
        }

        @Override
        public Object getTarget() {
            return null;
        }

        @Override
        public Object getTimer() {
            return null;
        }

        @Override
        public Method getMethod() {
            return null;
        }

        @Override
        public Constructor<?> getConstructor() {
            return null;
        }

        @Override
        public Object[] getParameters() {
            return new Object[0];
        }

        @Override
        public void setParameters(Object[] params) {
        }

        @Override
        public Map<String, Object> getContextData() {
            return Map.of();
        }
    }
}
