package io.rpideploy.netboot.ra;

import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** The engines' extra loops run as {@code Work} on the container's threads, never on threads of our own. */
final class WorkExecutor implements Executor {

    private final WorkManager workManager;

    WorkExecutor(WorkManager workManager) {
        this.workManager = workManager;
    }

    @Override
    public void execute(Runnable command) {
        try {
            workManager.scheduleWork(new Work() {
                @Override
                public void run() {
                    command.run();
                }

                @Override
                public void release() {
                    // the engine's close() ends its loops
                }
            }, WorkManager.INDEFINITE, null, null);
        } catch (WorkException e) {
            throw new RejectedExecutionException("the container refused a netboot work: " + e.getMessage(), e);
        }
    }
}
