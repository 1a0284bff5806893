package io.raftkv.node.real;

import io.raftkv.core.Message;
import io.raftkv.node.Transport;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An in-JVM network between {@link NodeRunner}s, for tests until the Netty transport exists: a
 * send hands the message straight to the destination's inbox (its runner's input queue, which may
 * itself drop when full). Links can be cut and healed one direction at a time, and a node that is
 * not registered (stopped, restarting) loses what is sent to it, as over a real network.
 * Thread-safe: every runner thread sends through it concurrently.
 */
public final class LocalNetwork {
    private final Map<Integer, Consumer<Message>> inboxes = new ConcurrentHashMap<>();
    /** Cut directed links as from * 65536 + to. */
    private final Set<Long> cutLinks = ConcurrentHashMap.newKeySet();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** Messages to {@code id} go to {@code inbox} from now on. */
    public void register(int id, Consumer<Message> inbox) {
        inboxes.put(id, inbox);
    }

    /** Messages to {@code id} are lost from now on. */
    public void unregister(int id) {
        inboxes.remove(id);
    }

    /** The transport node {@code from} sends with; it refuses to forge another sender. */
    public Transport transport(int from) {
        return message -> {
            if (message.from() != from) {
                throw new IllegalArgumentException("node " + from + " cannot send a message from " + message.from());
            }
            send(message);
        };
    }

    /** Cuts both directions between {@code a} and {@code b}. */
    public void cut(int a, int b) {
        cutLinks.add(link(a, b));
        cutLinks.add(link(b, a));
    }

    /** Heals both directions between {@code a} and {@code b}. */
    public void heal(int a, int b) {
        cutLinks.remove(link(a, b));
        cutLinks.remove(link(b, a));
    }

    public void healAll() {
        cutLinks.clear();
    }

    public long delivered() {
        return delivered.get();
    }

    public long dropped() {
        return dropped.get();
    }

    private void send(Message message) {
        Consumer<Message> inbox = inboxes.get(message.to());
        if (inbox == null || cutLinks.contains(link(message.from(), message.to()))) {
            dropped.incrementAndGet();
            return;
        }
        delivered.incrementAndGet();
        inbox.accept(message);
    }

    private static long link(int from, int to) {
        return (long) from * 65536 + to;
    }
}
