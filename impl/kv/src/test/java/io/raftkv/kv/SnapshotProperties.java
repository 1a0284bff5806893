package io.raftkv.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Snapshots carry the whole state. On random logs (keys, sessions with cached results, bad
 * entries), a machine restored from another's snapshot equals it, hashes equal, snapshots to the
 * same bytes, and from then on returns the same results for the same entries. Damage of any kind
 * (a flipped bit, a cut, a foreign configuration, or a checksummed body that breaks an
 * invariant) is refused with a reason and leaves the restoring machine exactly as it was.
 */
class SnapshotProperties {
    static final KvConfig CONFIG = new KvConfig(KvConfig.defaults().sessionTimeoutMillis(), 10_000, 4);

    @Provide
    Arbitrary<List<LogGenerator.Step>> logs() {
        return LogGenerator.steps().list().ofMaxSize(120);
    }

    @Property(tries = 300, seed = "20261202")
    void restoreGivesAnEqualStateThatStaysEqual(@ForAll("logs") List<LogGenerator.Step> steps,
            @ForAll @IntRange(min = 0, max = 200) int cut) throws InvalidSnapshotException {
        List<LogGenerator.Logged> log = LogGenerator.generate(steps, CONFIG.maxPendingResultsPerSession());
        int snapshotAt = Math.min(cut, log.size());
        KvStateMachine original = new KvStateMachine(CONFIG);
        for (int k = 0; k < snapshotAt; k++) {
            original.apply(k + 1, log.get(k).command());
        }
        byte[] snapshot = original.snapshot();
        KvStateMachine restored = new KvStateMachine(CONFIG);
        restored.apply(1, new KvCommand.Register(7)); // restore replaces whatever was there
        restored.restore(snapshot);
        assertEquals(original, restored);
        assertEquals(original.hashCode(), restored.hashCode());
        assertEquals(original.hash(), restored.hash());
        assertArrayEquals(snapshot, restored.snapshot());
        restored.checkInvariants();
        for (int k = snapshotAt; k < log.size(); k++) {
            assertArrayEquals(original.apply(k + 1, log.get(k).command()), restored.apply(k + 1, log.get(k).command()),
                    "results differ at index " + (k + 1));
        }
        assertEquals(original, restored);
    }

    @Property(tries = 300, seed = "20261202")
    void anyFlippedBitIsRefusedAndChangesNothing(@ForAll("logs") List<LogGenerator.Step> steps,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position) {
        KvStateMachine source = replay(LogGenerator.generate(steps, CONFIG.maxPendingResultsPerSession()));
        byte[] snapshot = source.snapshot();
        snapshot[position % snapshot.length] ^= (byte) (1 << (position % 8));
        assertRefused(snapshot, "checksum");
    }

    @Property(tries = 200, seed = "20261202")
    void anyCutIsRefused(@ForAll("logs") List<LogGenerator.Step> steps,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int length) {
        byte[] snapshot = replay(LogGenerator.generate(steps, CONFIG.maxPendingResultsPerSession())).snapshot();
        assertRefused(Arrays.copyOf(snapshot, length % snapshot.length), "");
    }

    @Example
    void aSnapshotUnderAnotherConfigurationIsRefused() {
        KvStateMachine other = new KvStateMachine(new KvConfig(5, 5, 5));
        InvalidSnapshotException refused = assertThrows(InvalidSnapshotException.class,
                () -> new KvStateMachine(CONFIG).restore(other.snapshot()));
        assertTrue(refused.getMessage().contains("snapshot taken under KvConfig[sessionTimeoutMillis=5"),
                refused.getMessage());
    }

    @Example
    void aChecksummedSnapshotThatBreaksAnInvariantIsRefused() {
        KvStateMachine source = new KvStateMachine(CONFIG);
        source.apply(1, new KvCommand.Register(0));
        source.apply(2, new KvCommand.Request(0, 1, 1, 0, new KvCommand.Put(Bytes.utf8("a"), Bytes.utf8("x"))));
        byte[] body = Arrays.copyOf(source.snapshot(), source.snapshot().length - 4);
        assertEquals(2, body[5], "appliedIndex, right after magic and format version");
        body[5] = 1; // revision 2 now lies beyond the applied index
        assertRefused(withChecksum(body), "revision = 2 is outside [0, 1]");
        byte[] trailing = Arrays.copyOf(source.snapshot(), source.snapshot().length - 3);
        trailing[trailing.length - 1] = 0; // one extra byte, checksummed
        assertRefused(withChecksum(trailing), "1 unexpected trailing byte(s)");
    }

    @Example
    void anEmptyMachineRoundTrips() throws InvalidSnapshotException {
        KvStateMachine empty = new KvStateMachine(CONFIG);
        KvStateMachine restored = new KvStateMachine(CONFIG);
        restored.restore(empty.snapshot());
        assertEquals(empty, restored);
        assertEquals(0, restored.appliedIndex());
    }

    private static KvStateMachine replay(List<LogGenerator.Logged> log) {
        KvStateMachine machine = new KvStateMachine(CONFIG);
        for (int k = 0; k < log.size(); k++) {
            machine.apply(k + 1, log.get(k).command());
        }
        return machine;
    }

    /** Restoring {@code snapshot} fails with a message containing {@code reasonPart}, changing nothing. */
    private static void assertRefused(byte[] snapshot, String reasonPart) {
        KvStateMachine target = new KvStateMachine(CONFIG);
        target.apply(1, new KvCommand.Register(5));
        target.apply(2, new KvCommand.Request(5, 1, 1, 0, new KvCommand.Put(Bytes.utf8("k"), Bytes.utf8("v"))));
        byte[] before = target.snapshot();
        InvalidSnapshotException refused = assertThrows(InvalidSnapshotException.class, () -> target.restore(snapshot));
        assertTrue(refused.getMessage().contains(reasonPart), refused.getMessage());
        assertArrayEquals(before, target.snapshot(), "a refused snapshot must leave the state untouched");
    }

    private static byte[] withChecksum(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body, 0, body.length);
        int value = (int) crc.getValue();
        byte[] out = Arrays.copyOf(body, body.length + 4);
        for (int k = 0; k < 4; k++) {
            out[body.length + k] = (byte) (value >>> (24 - 8 * k));
        }
        return out;
    }
}
