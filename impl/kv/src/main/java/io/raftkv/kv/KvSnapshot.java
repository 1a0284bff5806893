package io.raftkv.kv;

import io.raftkv.core.Assert;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The snapshot format of {@link KvStateMachine}: the whole state, in a canonical order, so equal
 * states give equal bytes (the replica-agreement hash is taken over them). Layout ({@code v} =
 * varint, {@code b} = byte string, as in {@link KvCodec}):
 * <pre>
 * "RKVS" | byte formatVersion
 * v appliedIndex | v revision | v logTimeMillis
 * v sessionTimeoutMillis | v maxSessions | v maxPendingResultsPerSession
 * v keyCount     | keyCount x (b key | v version | b value)                       keys ascending
 * v sessionCount | sessionCount x (v clientId | v lastActiveMillis | v acknowledgedThrough
 *                  | v pendingCount | pendingCount x (v sequence | b encoded result))
 *                                                               client ids, sequences ascending
 * int32 CRC32C of every byte before it, big-endian
 * </pre>
 * Reading checks the checksum first, then the structure, then every invariant of the state, and
 * builds a fresh machine; nothing is trusted because a snapshot may come from disk or another node.
 */
final class KvSnapshot {
    static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "RKVS".getBytes(StandardCharsets.US_ASCII);
    private static final int CHECKSUM_BYTES = 4;

    private KvSnapshot() {}

    static byte[] write(KvConfig config, long appliedIndex, long revision, long logTimeMillis,
            Map<Bytes, Versioned> data, SessionTable sessions) {
        ByteWriter out = new ByteWriter(64 + data.size() * 16);
        out.writeRaw(MAGIC).writeByte(FORMAT_VERSION);
        out.writeVarLong(appliedIndex).writeVarLong(revision).writeVarLong(logTimeMillis);
        out.writeVarLong(config.sessionTimeoutMillis()).writeVarLong(config.maxSessions())
                .writeVarLong(config.maxPendingResultsPerSession());
        out.writeVarLong(data.size());
        for (Map.Entry<Bytes, Versioned> entry : data.entrySet()) {
            out.writeBytes(entry.getKey()).writeVarLong(entry.getValue().version())
                    .writeBytes(entry.getValue().value());
        }
        out.writeVarLong(sessions.size());
        for (Session session : sessions.inClientIdOrder()) {
            out.writeVarLong(session.clientId).writeVarLong(session.lastActiveMillis())
                    .writeVarLong(session.acknowledgedThrough()).writeVarLong(session.pendingCount());
            for (Map.Entry<Long, KvResult> pending : session.pendingResults().entrySet()) {
                out.writeVarLong(pending.getKey()).writeBytes(KvCodec.encodeResult(pending.getValue()));
            }
        }
        byte[] body = out.toByteArray();
        return out.writeInt32(checksum(body, body.length)).toByteArray();
    }

    static KvStateMachine read(byte[] snapshot, KvConfig config) throws InvalidSnapshotException {
        if (snapshot.length < MAGIC.length + 1 + CHECKSUM_BYTES) {
            throw new InvalidSnapshotException("snapshot of " + snapshot.length + " bytes is too short");
        }
        int bodyLength = snapshot.length - CHECKSUM_BYTES;
        int stored = 0;
        for (int k = bodyLength; k < snapshot.length; k++) {
            stored = (stored << 8) | (snapshot[k] & 0xff);
        }
        int computed = checksum(snapshot, bodyLength);
        if (stored != computed) {
            throw new InvalidSnapshotException(String.format(
                    "snapshot checksum mismatch: stored %08x, computed %08x over %d bytes",
                    stored, computed, bodyLength));
        }
        try {
            KvStateMachine machine = readBody(new ByteReader(snapshot, bodyLength), config);
            machine.checkInvariants();
            return machine;
        } catch (FormatException | IllegalArgumentException | Assert.InvariantViolation bad) {
            throw new InvalidSnapshotException("invalid snapshot: " + bad.getMessage());
        }
    }

    private static KvStateMachine readBody(ByteReader in, KvConfig config) {
        byte[] magic = in.readRaw(MAGIC.length, "magic");
        if (!Arrays.equals(magic, MAGIC)) {
            throw in.fail("not a key-value snapshot (bad magic)", 0);
        }
        int version = in.readByte("snapshot format version");
        if (version != FORMAT_VERSION) {
            throw in.fail("unsupported snapshot format version " + version, MAGIC.length);
        }
        long appliedIndex = in.readVarLong("appliedIndex");
        long revision = in.readVarLong("revision", 0, appliedIndex);
        long logTimeMillis = in.readVarLong("logTimeMillis");
        int configOffset = in.position();
        KvConfig written = new KvConfig(in.readVarLong("sessionTimeoutMillis"),
                (int) in.readVarLong("maxSessions", 1, Integer.MAX_VALUE),
                (int) in.readVarLong("maxPendingResultsPerSession", 1, Integer.MAX_VALUE));
        if (!written.equals(config)) {
            throw in.fail("snapshot taken under " + written + ", this replica runs " + config, configOffset);
        }
        TreeMap<Bytes, Versioned> data = readData(in, revision);
        SessionTable sessions = readSessions(in, config, appliedIndex, logTimeMillis);
        in.expectEnd("snapshot");
        return new KvStateMachine(config, data, sessions, appliedIndex, revision, logTimeMillis);
    }

    private static TreeMap<Bytes, Versioned> readData(ByteReader in, long revision) {
        long count = in.readVarLong("keyCount", 0, in.remaining());
        TreeMap<Bytes, Versioned> data = new TreeMap<>();
        for (long k = 0; k < count; k++) {
            int offset = in.position();
            Bytes key = in.readBytes("key", KvCodec.MAX_KEY_BYTES);
            if (!data.isEmpty() && data.lastKey().compareTo(key) >= 0) {
                throw in.fail("keys out of order at " + key, offset);
            }
            long version = in.readVarLong("version", 1, revision);
            data.put(key, new Versioned(in.readBytes("value", KvCodec.MAX_VALUE_BYTES), version));
        }
        return data;
    }

    private static SessionTable readSessions(ByteReader in, KvConfig config, long appliedIndex, long logTimeMillis) {
        long count = in.readVarLong("sessionCount", 0, config.maxSessions());
        SessionTable sessions = new SessionTable();
        long previousId = 0;
        for (long k = 0; k < count; k++) {
            long clientId = in.readVarLong("clientId", previousId + 1, appliedIndex);
            Session session = new Session(clientId, in.readVarLong("lastActiveMillis", 0, logTimeMillis),
                    in.readVarLong("acknowledgedThrough"));
            long pending = in.readVarLong("pendingCount", 0, config.maxPendingResultsPerSession());
            long previousSequence = session.acknowledgedThrough();
            for (long p = 0; p < pending; p++) {
                previousSequence = in.readVarLong("sequence", previousSequence + 1, Long.MAX_VALUE);
                int offset = in.position();
                Bytes encoded = in.readBytes("result", Integer.MAX_VALUE);
                switch (KvCodec.decodeResult(encoded.toByteArray())) {
                    case Decoded.Ok<KvResult> ok -> session.remember(previousSequence, ok.value());
                    case Decoded.Malformed<KvResult> bad -> throw in.fail(bad.reason(), offset);
                }
            }
            sessions.add(session);
            previousId = clientId;
        }
        return sessions;
    }

    private static int checksum(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
