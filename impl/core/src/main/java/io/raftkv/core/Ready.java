package io.raftkv.core;

import java.util.List;

/**
 * One batch of work for the code that drives a node (etcd's Ready). Handle it in this order:
 * <ol>
 *   <li>make {@code hardState} (if not null) and {@code entriesToPersist} durable; persisting
 *       entries that start at index k replaces every stored entry at index >= k;</li>
 *   <li>{@code messages} may be sent at any time, even before step 1;</li>
 *   <li>{@code messagesAfterPersist} (vote grants, append acknowledgements) only after step 1:
 *       they promise the receiver that the state is durable (paper Figure 2, thesis §3.8);</li>
 *   <li>apply {@code committedEntries} in order, after step 1 (they may include entries of this
 *       batch);</li>
 *   <li>call {@link RaftNode#advance(Ready)}.</li>
 * </ol>
 *
 * @param hardState            the hard state to persist, or null if unchanged since the last batch
 * @param entriesToPersist     entries to append durably, contiguous, possibly empty
 * @param messages             messages that may leave now
 * @param messagesAfterPersist messages that may leave only once this batch is durable
 * @param committedEntries     newly committed entries to apply, contiguous, possibly empty
 */
public record Ready(HardState hardState, List<Entry> entriesToPersist, List<Message> messages,
        List<Message> messagesAfterPersist, List<Entry> committedEntries) {

    public Ready {
        entriesToPersist = List.copyOf(entriesToPersist);
        messages = List.copyOf(messages);
        messagesAfterPersist = List.copyOf(messagesAfterPersist);
        committedEntries = List.copyOf(committedEntries);
    }

    public boolean isEmpty() {
        return hardState == null && entriesToPersist.isEmpty() && messages.isEmpty()
                && messagesAfterPersist.isEmpty() && committedEntries.isEmpty();
    }
}
