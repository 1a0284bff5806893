package io.raftkv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void leaseReadsAreOffByDefaultAndTheLeaseLeavesTwoTicksAndTheDriftBound() {
        Config defaults = Config.ofSize(3);
        assertFalse(defaults.leaseReads());
        Config lease = defaults.withLeaseReads(true, 2);
        assertTrue(lease.leaseReads());
        assertEquals(10 - 2 - 2, lease.leaseTicks());
        assertEquals(10 - 2 - 5, defaults.withLeaseReads(true, 5).leaseTicks());
    }

    @Test
    void aDriftBoundThatLeavesNoLeaseIsRefusedOnlyWhenLeaseReadsAreOn() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Config.ofSize(3).withLeaseReads(true, 8));
        assertTrue(error.getMessage().contains("leaseDriftTicks must be in [0, electionTimeoutTicksMin - 3 = 7]"),
                error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Config.ofSize(3).withLeaseReads(true, -1));
        assertThrows(IllegalArgumentException.class, () -> Config.ofSize(3).withLeaseReads(false, -1));
        // A short timeout keeps the default bound, unused while lease reads are off.
        assertEquals(4, Config.ofSize(3).withElectionTimeoutTicks(4, 8).electionTimeoutTicksMin());
        assertThrows(IllegalArgumentException.class,
                () -> Config.ofSize(3).withElectionTimeoutTicks(4, 8).withLeaseReads(true, 2));
    }
}
