package io.rpideploy.images.boundary;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a file region with the kernel's sendfile, through Grizzly (Payara's HTTP engine), so image bytes go from
 * the page cache to the socket without passing through the heap twice. The Servlet API has no sendfile, so this
 * reaches the container's response by reflection: Payara's {@code ResponseFacade} wraps a Catalina
 * {@code Response}, whose {@code getCoyoteResponse()} is Grizzly's, whose output buffer offers
 * {@code sendfile(File, offset, length, CompletionHandler)} (a {@code FileTransfer}, i.e.
 * {@code FileChannel.transferTo}). The request is put in async mode so the container does not finish the response
 * when the servlet returns; the servlet's thread waits for the transfer and completes the request itself, so the
 * request ends on the container thread that began it. Anything unexpected (another container, sendfile disabled)
 * gives {@code false} and the caller copies as before; the check is made once.
 */
public final class ZeroCopy {

    private static final Logger LOG = Logger.getLogger(ZeroCopy.class.getName());
    private static volatile Boolean usable;
    private static volatile String offReason;

    private ZeroCopy() {
    }

    /** {@code on}, {@code off}, or {@code unknown} before the first large download: for the health check. */
    public static String state() {
        Boolean u = usable;
        return u == null ? "unknown" : u ? "on" : "off";
    }

    /**
     * Why zero copy is off: the step of the reflective path above that this container did not offer, or the
     * listener's setting; {@code null} while it is on or not tried yet.
     */
    public static String offReason() {
        return offReason;
    }

    /** The ordinary copy, for when sendfile cannot start after all. */
    @FunctionalInterface
    interface Copy {
        void copy() throws IOException;
    }

    /**
     * Starts the transfer; {@code done} runs once when it has ended, well or not; {@code progress} whenever Grizzly
     * reports a partial write (the download queue's write timeout watches it).
     *
     * @return false when zero copy is not available here (nothing was started, nothing was written)
     */
    static boolean send(HttpServletRequest request, HttpServletResponse response, Path file, long first,
                        long length, Duration stallAfter, LongConsumer sent, Runnable done, Runnable progress,
                        Copy fallback) {
        if (Boolean.FALSE.equals(usable) || !request.isAsyncSupported()) {
            return false;
        }
        Object grizzly;
        Object outputBuffer;
        Method sendfile;
        Class<?> handlerType;
        try {
            grizzly = grizzlyResponse(response);
            if (!(Boolean) grizzly.getClass().getMethod("isSendFileEnabled").invoke(grizzly)) {
                return disable("the HTTP listener has sendfile disabled");
            }
            outputBuffer = grizzly.getClass().getMethod("getOutputBuffer").invoke(grizzly);
            handlerType = Class.forName("org.glassfish.grizzly.CompletionHandler", false,
                    grizzly.getClass().getClassLoader());
            sendfile = outputBuffer.getClass().getMethod("sendfile", File.class, long.class, long.class,
                    handlerType);
        } catch (ReflectiveOperationException | RuntimeException notHere) {
            return disable(notHere.toString());
        }
        if (usable == null) {
            usable = true;
            LOG.info("image downloads use sendfile (zero copy)");
        }
        // Async mode keeps Catalina from finishing the response when the servlet returns; but the request is
        // completed on this container thread, which waits for the transfer: Grizzly's handler thread only signals.
        // Completing it from Grizzly's thread made Payara end the request (Weld's request listener: the request,
        // session and conversation contexts) on a thread that never began it, while this one kept them associated
        // for its next request (WELD-000714/000225/000335/000715): request-scoped state could leak between requests.
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // a 2 GiB image to a slow board takes what it takes; the socket times out on its own
        AtomicBoolean ended = new AtomicBoolean();
        CountDownLatch transferred = new CountDownLatch(1);
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                try {
                    done.run(); // plain Java (the download queue, a counter): no CDI context needed
                } finally {
                    transferred.countDown();
                }
            }
        };
        Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
                (proxy, method, args) -> switch (method.getName()) {
                    case "completed" -> {
                        sent.accept(length); // the whole range went out (a failed one is not counted)
                        end.run();
                        yield null;
                    }
                    case "cancelled" -> {
                        end.run();
                        yield null;
                    }
                    case "failed" -> {
                        LOG.log(Level.FINE, "sendfile of " + file + " ended early", (Throwable) args[0]);
                        end.run();
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "sendfile " + file;
                    case "updated" -> {
                        lastProgress.set(System.nanoTime());
                        progress.run();
                        yield null;
                    }
                    default -> null;
                });
        try {
            // not committed before: Grizzly writes the status and headers (set through the servlet API, which keeps
            // them in Grizzly's response) itself, then the file
            sendfile.invoke(outputBuffer, file.toFile(), first, length, handler);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "sendfile of " + file + " could not start; copying instead", e);
            try {
                fallback.copy();
            } catch (IOException copyFailed) {
                LOG.log(Level.FINE, "copy of " + file + " ended early", copyFailed);
            } finally {
                end.run();
            }
        }
        try {
            awaitEnd(transferred, lastProgress, stallAfter, grizzly, file);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } finally {
            async.complete(); // within the container's dispatch: Payara completes it as this thread leaves
        }
        return true;
    }

    /**
     * Waits for Grizzly to report the transfer's end. A client that stopped reading would hold this thread for as
     * long as it keeps the connection open: after {@code stallAfter} without progress its connection is closed,
     * which fails the transfer (Grizzly then reports it).
     */
    private static void awaitEnd(CountDownLatch transferred, AtomicLong lastProgress, Duration stallAfter,
                                 Object grizzly, Path file) throws InterruptedException {
        long stallNanos = stallAfter.toNanos();
        while (!transferred.await(1, TimeUnit.SECONDS)) {
            if (System.nanoTime() - lastProgress.get() > stallNanos) {
                LOG.fine(() -> "sendfile of " + file + " made no progress: closing its connection");
                try {
                    Object grizzlyRequest = grizzly.getClass().getMethod("getRequest").invoke(grizzly);
                    Object context = grizzlyRequest.getClass().getMethod("getContext").invoke(grizzlyRequest);
                    Object connection = context.getClass().getMethod("getConnection").invoke(context);
                    connection.getClass().getMethod("closeSilently").invoke(connection);
                } catch (ReflectiveOperationException | RuntimeException notClosed) {
                    LOG.log(Level.WARNING, "could not close the stalled download of " + file, notClosed);
                }
                transferred.await(10, TimeUnit.SECONDS); // the failure is reported on Grizzly's thread
                return;
            }
        }
    }

    /** Payara's facade → Catalina's response → Grizzly's response. */
    private static Object grizzlyResponse(HttpServletResponse response) throws ReflectiveOperationException {
        ServletResponse inner = response;
        while (inner instanceof HttpServletResponseWrapper wrapper) {
            inner = wrapper.getResponse();
        }
        Field catalina = findField(inner.getClass(), "response");
        catalina.setAccessible(true);
        Object catalinaResponse = catalina.get(inner);
        return catalinaResponse.getClass().getMethod("getCoyoteResponse").invoke(catalinaResponse);
    }

    private static Field findField(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(name);
            } catch (NoSuchFieldException next) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    private static boolean disable(String why) {
        if (usable == null) {
            LOG.info("image downloads are copied (no sendfile here: " + why + ")");
            offReason = why;
        }
        usable = false;
        return false;
    }
}
