package io.raftkv.core;

import java.util.Collection;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The leader's {@link Progress} for every other voter, in ascending id order (so broadcasts are
 * deterministic), and the CheckQuorum bookkeeping over them.
 */
final class ProgressTracker {
    private final TreeMap<Integer, Progress> progress = new TreeMap<>();

    /** Fresh progress for a new leader (paper Figure 2: nextIndex = last log index + 1, matchIndex = 0). */
    void reset(Collection<Integer> peers, long nextIndex, int maxInflightMessages) {
        progress.clear();
        for (int peer : peers) {
            Progress fresh = new Progress(nextIndex, maxInflightMessages);
            fresh.becomeReplicate();
            progress.put(peer, fresh);
        }
    }

    /**
     * The configuration changed: progress for exactly {@code peers}, the new ones probing from
     * {@code nextIndex} (the CONFIG entry that added them), the departed ones forgotten.
     */
    void retainOnly(Collection<Integer> peers, long nextIndex, int maxInflightMessages) {
        progress.keySet().retainAll(new TreeSet<>(peers));
        for (int peer : peers) {
            progress.computeIfAbsent(peer, p -> new Progress(nextIndex, maxInflightMessages));
        }
    }

    /** Whether {@code peer} has progress here (a member other than the leader). */
    boolean tracks(int peer) {
        return progress.containsKey(peer);
    }

    void clear() {
        progress.clear();
    }

    boolean isEmpty() {
        return progress.isEmpty();
    }

    Progress get(int peer) {
        Progress found = progress.get(peer);
        Assert.check(found != null, "no progress for %d", peer);
        return found;
    }

    /** The leader itself plus every follower heard from since the last round. */
    Set<Integer> recentlyActive(int self) {
        TreeSet<Integer> active = new TreeSet<>();
        active.add(self);
        progress.forEach((peer, p) -> {
            if (p.recentActive()) {
                active.add(peer);
            }
        });
        return active;
    }

    /** Starts a new CheckQuorum round (every minimum election timeout). */
    void resetRecentActive() {
        for (Progress p : progress.values()) {
            p.resetRecentActive();
        }
    }
}
