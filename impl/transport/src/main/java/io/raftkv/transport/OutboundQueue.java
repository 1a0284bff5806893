package io.raftkv.transport;

import io.raftkv.core.Assert;
import io.raftkv.core.Message;
import io.raftkv.core.Message.AppendEntriesRequest;
import java.util.ArrayDeque;

/**
 * What waits to be sent to one peer, in two bounded FIFO queues: control (votes, responses and
 * appends without entries, all small and bounded in size by their fixed fields) and bulk (appends
 * with entries). {@link #poll} always serves control first, so a heartbeat or a vote never waits
 * behind a backlog of large appends: only behind what was already handed to the connection.
 *
 * <p>The cost is reordering between the two classes, which Raft tolerates (the core drops stale
 * and reordered rejections); within a class the order is kept. A message that does not fit is
 * refused, never blocked on: the caller counts it as dropped. Thread-safe: the node's thread offers,
 * an I/O thread polls.
 */
final class OutboundQueue {

    /** A message waiting to be encoded, with its Lamport value and exact frame size. */
    record Item(Message message, long lamport, int frameBytes) {}

    private final ArrayDeque<Item> control = new ArrayDeque<>();
    private final ArrayDeque<Item> bulk = new ArrayDeque<>();
    private final int controlMessagesMax;
    private final int bulkMessagesMax;
    private final long bulkBytesMax;
    /** Sum of frameBytes over control and bulk; invariant: equals what the two deques hold. */
    private long queuedBytes;
    private long bulkBytes;

    OutboundQueue(int controlMessagesMax, int bulkMessagesMax, long bulkBytesMax) {
        this.controlMessagesMax = controlMessagesMax;
        this.bulkMessagesMax = bulkMessagesMax;
        this.bulkBytesMax = bulkBytesMax;
    }

    static boolean isBulk(Message message) {
        return (message instanceof AppendEntriesRequest append && !append.entries().isEmpty())
                || message instanceof Message.InstallSnapshotRequest;
    }

    /** Queues the item, or returns false when its queue is full (the item is dropped). */
    synchronized boolean offer(Item item) {
        if (!isBulk(item.message())) {
            if (control.size() >= controlMessagesMax) {
                return false;
            }
            control.addLast(item);
        } else {
            // One oversized append still goes when nothing else is queued, or it could never go.
            boolean fits = bulk.isEmpty() || bulkBytes + item.frameBytes() <= bulkBytesMax;
            if (bulk.size() >= bulkMessagesMax || !fits) {
                return false;
            }
            bulk.addLast(item);
            bulkBytes += item.frameBytes();
        }
        queuedBytes += item.frameBytes();
        return true;
    }

    /** The next item to send (control first), or null when both queues are empty. */
    synchronized Item poll() {
        Item item = control.pollFirst();
        if (item == null) {
            item = bulk.pollFirst();
            if (item != null) {
                bulkBytes -= item.frameBytes();
            }
        }
        if (item != null) {
            queuedBytes -= item.frameBytes();
        }
        checkInvariants();
        return item;
    }

    synchronized int messages() {
        return control.size() + bulk.size();
    }

    synchronized long bytes() {
        return queuedBytes;
    }

    synchronized boolean isEmpty() {
        return control.isEmpty() && bulk.isEmpty();
    }

    /** Empties both queues (the transport is closing); returns how many messages were discarded. */
    synchronized int clear() {
        int discarded = messages();
        control.clear();
        bulk.clear();
        queuedBytes = 0;
        bulkBytes = 0;
        return discarded;
    }

    private void checkInvariants() {
        Assert.check(control.size() <= controlMessagesMax && bulk.size() <= bulkMessagesMax,
                "queue over its bound: %d control, %d bulk", control.size(), bulk.size());
        Assert.check(bulkBytes >= 0 && queuedBytes >= bulkBytes, "queue byte accounting broken: %d of %d",
                bulkBytes, queuedBytes);
        Assert.check(bulk.isEmpty() == (bulkBytes == 0), "bulk bytes %d with %d bulk messages",
                bulkBytes, bulk.size());
    }
}
