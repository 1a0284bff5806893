package io.raftkv.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Entry;
import io.raftkv.core.Message;
import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.RequestVoteResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-peer queue on its own: small messages overtake queued appends, each class stays in
 * order, and both bounds (messages, bytes) refuse instead of growing.
 */
class OutboundQueueTest {

    @Test
    void controlMessagesOvertakeQueuedAppendsAndEachClassKeepsItsOrder() {
        OutboundQueue queue = new OutboundQueue(10, 10, 1 << 20);
        OutboundQueue.Item append1 = item(append(1, 100), 130);
        OutboundQueue.Item append2 = item(append(2, 100), 130);
        OutboundQueue.Item heartbeat = item(new AppendEntriesRequest(1, 2, 1, 2, 1, List.of(), 2), 20);
        OutboundQueue.Item vote = item(new RequestVoteResponse(1, 2, 1, false, true), 12);
        assertTrue(queue.offer(append1));
        assertTrue(queue.offer(append2));
        assertTrue(queue.offer(heartbeat));
        assertTrue(queue.offer(vote));
        assertEquals(4, queue.messages());
        assertEquals(130 + 130 + 20 + 12, queue.bytes());
        assertSame(heartbeat, queue.poll());
        assertSame(vote, queue.poll());
        assertSame(append1, queue.poll());
        assertSame(append2, queue.poll());
        assertNull(queue.poll());
        assertEquals(0, queue.bytes());
    }

    @Test
    void eachClassIsBoundedByMessagesAndBulkAlsoByBytes() {
        OutboundQueue queue = new OutboundQueue(2, 3, 1000);
        OutboundQueue.Item vote = item(new RequestVoteResponse(1, 2, 1, false, true), 12);
        assertTrue(queue.offer(vote));
        assertTrue(queue.offer(vote));
        assertFalse(queue.offer(vote), "third control message over a bound of 2");

        assertTrue(queue.offer(item(append(1, 100), 400)));
        assertTrue(queue.offer(item(append(2, 100), 400)));
        assertFalse(queue.offer(item(append(3, 100), 400)), "1200 bytes over a bound of 1000");
        assertTrue(queue.offer(item(append(3, 10), 150)));
        assertFalse(queue.offer(item(append(4, 1), 10)), "fourth append over a bound of 3");
        assertEquals(5, queue.messages());
        assertEquals(2 * 12 + 950, queue.bytes());
    }

    @Test
    void anAppendLargerThanTheByteBoundStillGoesAloneOrItCouldNeverGo() {
        OutboundQueue queue = new OutboundQueue(2, 3, 1000);
        assertTrue(queue.offer(item(append(1, 5000), 5030)));
        assertFalse(queue.offer(item(append(2, 1), 31)));
        queue.poll();
        assertTrue(queue.offer(item(append(2, 1), 31)));
    }

    @Test
    void clearDiscardsEverythingAndSaysHowMuch() {
        OutboundQueue queue = new OutboundQueue(2, 3, 1000);
        queue.offer(item(append(1, 10), 40));
        queue.offer(item(new RequestVoteResponse(1, 2, 1, false, true), 12));
        assertEquals(2, queue.clear());
        assertTrue(queue.isEmpty());
        assertEquals(0, queue.bytes());
    }

    private static AppendEntriesRequest append(long index, int bytes) {
        return new AppendEntriesRequest(1, 2, 1, index - 1, 1, List.of(Entry.command(index, 1, new byte[bytes])), 0);
    }

    private static OutboundQueue.Item item(Message message, int frameBytes) {
        return new OutboundQueue.Item(message, 0, frameBytes);
    }
}
