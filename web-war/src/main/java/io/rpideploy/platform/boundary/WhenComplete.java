package io.rpideploy.platform.boundary;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/**
 * An asynchronous request's end, whichever way it ends: the container calls {@code onComplete} after a timeout or
 * an error too, so a listener that only needs the end implements this alone.
 */
@FunctionalInterface
public interface WhenComplete extends AsyncListener {

    @Override
    void onComplete(AsyncEvent event);

    @Override
    default void onTimeout(AsyncEvent event) {
        // onComplete follows
    }

    @Override
    default void onError(AsyncEvent event) {
        // onComplete follows
    }

    @Override
    default void onStartAsync(AsyncEvent event) {
        // still the same request
    }
}
