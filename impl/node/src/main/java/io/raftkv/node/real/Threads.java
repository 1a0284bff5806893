package io.raftkv.node.real;

/** Thread helpers shared by the real implementations. */
final class Threads {
    private Threads() {}

    /**
     * Waits until {@code thread} has ended, even if interrupted meanwhile (a shutdown must not
     * leave a writer or runner thread behind); the interrupt is kept for the caller.
     */
    static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException again) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
