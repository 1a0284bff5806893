package io.raftkv.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The simulator's read check: what a read must show, and what it must not miss. */
class ClientReadsTest {

  @Test
  void aReadMustShowEveryAcknowledgedWriteAndEveryEarlierReadsPrefix() {
    ClientReads reads = new ClientReads();
    long first = reads.nextContext();
    reads.taken(first, 1, 10, 0);
    assertNull(reads.served(first, 1, 9, 12), "log up to 12 holds the write acknowledged at 10");

    long second = reads.nextContext();
    reads.taken(second, 2, 10, 5);
    String stale = reads.served(second, 2, 11, 11);
    assertNotNull(stale, "the earlier read returned up to 12; this one began after it ended");
    assertTrue(stale.contains("index 12 was acknowledged or read before the read began"), stale);

    long third = reads.nextContext();
    reads.taken(third, 1, 13, 6);
    assertTrue(reads.served(third, 1, 14, 13).contains("before reaching its read index 14"));
    assertEquals(3, reads.served);
  }

  @Test
  void onlyTheNodeThatTookAReadMayAnswerIt() {
    ClientReads reads = new ClientReads();
    long ctx = reads.nextContext();
    reads.taken(ctx, 1, 0, 0);
    assertTrue(reads.served(ctx, 2, 0, 0).contains("node 1 took"));
    assertTrue(reads.served(ctx, 1, 0, 0).contains("is not in flight"), "a read is settled by its first answer");

    long crashed = reads.nextContext();
    reads.taken(crashed, 3, 0, 0);
    reads.crashed(3);
    assertEquals(1, reads.aborted);
    assertTrue(reads.served(crashed, 3, 0, 0).contains("is not in flight"), "a crashed node answers nothing");
  }
}
