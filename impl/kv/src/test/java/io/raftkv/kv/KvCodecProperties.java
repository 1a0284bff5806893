package io.raftkv.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The codec of commands and results. Properties: every value round-trips; decoding never throws,
 * whatever the bytes (uniformly random ones, and the nastier near-misses made by truncating,
 * extending or changing one byte of a valid encoding); and decoding is strict, so bytes that
 * decode re-encode to themselves, which rules out two encodings of one command (replicas compare
 * state, not encodings, but a cache keyed by bytes or a hash over them would otherwise diverge).
 * Examples pin the error messages for each kind of bad input and the size of a typical command.
 */
class KvCodecProperties {

    @Provide
    Arbitrary<KvCommand> commands() {
        return KvArbitraries.commands();
    }

    @Provide
    Arbitrary<KvResult> results() {
        return KvArbitraries.results();
    }

    @Property(tries = 2000, seed = "20261202")
    void commandsRoundTrip(@ForAll("commands") KvCommand command) {
        assertEquals(new Decoded.Ok<>(command), KvCommand.decode(command.encode()));
    }

    @Property(tries = 2000, seed = "20261202")
    void resultsRoundTrip(@ForAll("results") KvResult result) {
        assertEquals(new Decoded.Ok<>(result), KvResult.decode(result.encode()));
    }

    @Property(tries = 5000, seed = "20261202")
    void randomBytesNeverThrowAndDecodeOnlyCanonically(@ForAll @Size(max = 64) byte[] bytes,
            @ForAll boolean looksValid) {
        if (looksValid && bytes.length > 0) {
            bytes[0] = (byte) KvCodec.FORMAT_VERSION; // get past the version byte more often
        }
        assertCanonicalOrMalformed(bytes);
    }

    @Property(tries = 3000, seed = "20261202")
    void nearMissesOfValidCommandsNeverThrow(@ForAll("commands") KvCommand command,
            @ForAll @IntRange(min = 0, max = 1000) int position, @ForAll byte replacement,
            @ForAll @IntRange(min = 0, max = 2) int mutation) {
        byte[] valid = command.encode();
        byte[] mutated = switch (mutation) {
            case 0 -> Arrays.copyOf(valid, position % valid.length); // every proper prefix
            case 1 -> Arrays.copyOf(valid, valid.length + 1 + position % 3); // trailing zeros
            default -> {
                byte[] copy = valid.clone();
                copy[position % copy.length] = replacement;
                yield copy;
            }
        };
        assertCanonicalOrMalformed(mutated);
        if (mutation != 2) {
            assertInstanceOf(Decoded.Malformed.class, KvCommand.decode(mutated));
        }
    }

    @Property(tries = 2000, seed = "20261202")
    void nearMissesOfValidResultsNeverThrow(@ForAll("results") KvResult result,
            @ForAll @IntRange(min = 0, max = 1000) int position, @ForAll byte replacement) {
        byte[] copy = result.encode();
        copy[position % copy.length] = replacement;
        Decoded<KvResult> decoded = KvResult.decode(copy);
        if (decoded instanceof Decoded.Ok<KvResult> ok) {
            assertArrayEquals(copy, ok.value().encode());
        }
    }

    private static void assertCanonicalOrMalformed(byte[] bytes) {
        Decoded<KvCommand> command = KvCommand.decode(bytes);
        if (command instanceof Decoded.Ok<KvCommand> ok) {
            assertArrayEquals(bytes, ok.value().encode(), "decoded bytes must re-encode to themselves");
        }
        Decoded<KvResult> result = KvResult.decode(bytes);
        if (result instanceof Decoded.Ok<KvResult> ok) {
            assertArrayEquals(bytes, ok.value().encode(), "decoded bytes must re-encode to themselves");
        }
    }

    @Example
    void aSmallPutIsCompact() {
        KvCommand put = new KvCommand.Request(0, 7, 3, 2, new KvCommand.Put(Bytes.utf8("key"), Bytes.utf8("value")));
        assertEquals(17, put.encode().length);
        KvCommand stamped = put.withLeaderTimeMillis(1_764_633_600_000L); // a 2025 wall time
        assertEquals(22, stamped.encode().length);
    }

    @Example
    void badInputGivesAClearReason() {
        assertMalformed(new byte[0], "truncated input: command format version needs 1 byte(s), 0 left (at byte 0)");
        assertMalformed(new byte[] {9, 1, 0}, "unsupported command format version 9 (this build reads 1)");
        assertMalformed(new byte[] {1, 42}, "unknown command kind 42 (at byte 1)");
        assertMalformed(new byte[] {1, 1, 0, 0}, "command has 1 unexpected trailing byte(s) (at byte 3)");
        assertMalformed(new byte[] {1, 1, (byte) 0x80, 0}, "leaderTimeMillis is a non-canonical varint");
        byte[] tooWide = {1, 1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1}; // a 10th varint byte
        assertMalformed(tooWide, "leaderTimeMillis is a varint above 63 bits");
        assertMalformed(new byte[] {1, 3, 0, 1, 1, 0, 9, 0}, "unknown operation 9 (at byte 6)");
        assertMalformed(new byte[] {1, 3, 0, 1, 2, 2, 1, 0}, "acknowledgedThrough must lie in [0, sequence)");
        assertMalformed(new byte[] {1, 2, 0, 0}, "clientId must be >= 1, got 0");
    }

    @Example
    void aHostileLengthIsRefusedBeforeAnythingIsAllocated() {
        // A Get whose key claims 2^62 bytes: refused by the limit, not by an OutOfMemoryError.
        byte[] hostile = {1, 3, 0, 1, 1, 0, 1, -128, -128, -128, -128, -128, -128, -128, -128, 64};
        assertMalformed(hostile, "key length 4611686018427387904 exceeds the limit 8192");
        byte[] shortKey = {1, 3, 0, 1, 1, 0, 1, 5, 'a'};
        assertMalformed(shortKey, "truncated input: key needs 5 byte(s), 1 left");
    }

    @Example
    void recordsRefuseValuesTheCodecCouldNotCarry() {
        Bytes tooLong = Bytes.copyOf(new byte[KvCodec.MAX_KEY_BYTES + 1]);
        assertThrows(IllegalArgumentException.class, () -> new KvCommand.Get(tooLong));
        assertThrows(IllegalArgumentException.class, () -> new KvCommand.Register(-1));
        assertThrows(IllegalArgumentException.class, () -> new KvResult.CompareFailed(0, Bytes.utf8("x")));
        assertThrows(IllegalArgumentException.class, () -> new KvResult.Rejected(KvResult.Reason.STALE_SEQUENCE, "\n"));
        KvResult.Rejected cleaned =
                KvResult.Rejected.of(KvResult.Reason.STALE_SEQUENCE, "caf\u00e9\n" + "x".repeat(500));
        assertEquals("caf??" + "x".repeat(KvResult.Rejected.MAX_DETAIL_LENGTH - 5), cleaned.detail());
    }

    @Example
    void resultsRefuseUnknownReasonsAndBadDetails() {
        byte[] rejected = KvResult.Rejected.of(KvResult.Reason.UNKNOWN_SESSION, "ok").encode();
        byte[] unknownReason = rejected.clone();
        unknownReason[2] = 99;
        assertInstanceOf(Decoded.Malformed.class, KvResult.decode(unknownReason));
        byte[] nonAscii = rejected.clone();
        nonAscii[nonAscii.length - 1] = (byte) 0xc3;
        assertInstanceOf(Decoded.Malformed.class, KvResult.decode(nonAscii));
        assertThrows(IllegalArgumentException.class, () -> KvResult.decode(unknownReason).orElseThrow());
    }

    private static void assertMalformed(byte[] bytes, String reasonPart) {
        Decoded<KvCommand> decoded = KvCommand.decode(bytes);
        if (!(decoded instanceof Decoded.Malformed<KvCommand> malformed)) {
            throw new AssertionError("expected a malformed command, decoded " + decoded);
        }
        assertTrue(malformed.reason().contains(reasonPart), "reason was: " + malformed.reason());
    }

    @Property(tries = 200, seed = "20261202")
    void bytesOrderIsUnsignedLexicographic(@ForAll("pairs") Bytes[] pair) {
        int expected = Arrays.compareUnsigned(pair[0].toByteArray(), pair[1].toByteArray());
        assertEquals(Integer.signum(expected), Integer.signum(pair[0].compareTo(pair[1])));
        assertEquals(expected == 0, pair[0].equals(pair[1]));
    }

    @Provide
    Arbitrary<Bytes[]> pairs() {
        return KvArbitraries.bytes().array(Bytes[].class).ofSize(2);
    }

    @Example
    void bytesAreImmutable() {
        byte[] source = {1, 2, 3};
        Bytes value = Bytes.copyOf(source);
        source[0] = 9;
        value.toByteArray()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, value.toByteArray());
        assertEquals("0x010203", value.toString());
        assertEquals("\"abc\"", Bytes.utf8("abc").toString());
    }
}
