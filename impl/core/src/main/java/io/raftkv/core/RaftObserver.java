package io.raftkv.core;

/**
 * The one seam through which the core reports what it does: one call per spec action, right after
 * the state changed. Observers must not call back into the node. Tracing and invariant checking are
 * observers; the core knows nothing else about them.
 */
@FunctionalInterface
public interface RaftObserver {
    RaftObserver NONE = event -> {};

    void on(RaftEvent event);
}
