package io.raftkv.transport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides whether a recurring condition deserves a WARN line again. A misconfigured peer retries its
 * refused handshake every few seconds for as long as it runs, and a dead peer fails every connect:
 * the first occurrence of each distinct line (and one per window after that) is logged at WARN or
 * INFO, repeats at DEBUG, so the operator sees the problem once and the log does not drown in it.
 * Remembers a bounded number of keys (the oldest are forgotten first).
 */
final class RepeatFilter {
    private static final int KEYS_MAX = 256;

    private final long windowNanos;
    private final Map<String, Long> lastShown = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > KEYS_MAX;
        }
    };

    RepeatFilter(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /** True if {@code key} was not shown within the window; it counts as shown from now on. */
    synchronized boolean firstInWindow(String key) {
        long now = System.nanoTime();
        Long last = lastShown.get(key);
        if (last != null && now - last < windowNanos) {
            return false;
        }
        lastShown.put(key, now);
        return true;
    }
}
