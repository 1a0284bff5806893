package io.raftkv.kv;

import io.raftkv.kv.KvCommand.CompareAndSetValue;
import io.raftkv.kv.KvCommand.CompareAndSetVersion;
import io.raftkv.kv.KvCommand.Delete;
import io.raftkv.kv.KvCommand.Get;
import io.raftkv.kv.KvCommand.Operation;
import io.raftkv.kv.KvCommand.Put;
import io.raftkv.kv.KvCommand.Register;
import io.raftkv.kv.KvCommand.Request;
import io.raftkv.kv.KvCommand.Unregister;
import io.raftkv.kv.KvResult.CompareFailed;
import io.raftkv.kv.KvResult.Deleted;
import io.raftkv.kv.KvResult.Found;
import io.raftkv.kv.KvResult.NotFound;
import io.raftkv.kv.KvResult.Registered;
import io.raftkv.kv.KvResult.Rejected;
import io.raftkv.kv.KvResult.Unregistered;
import io.raftkv.kv.KvResult.Written;
import java.nio.charset.StandardCharsets;

/**
 * The binary form of commands and results. Both start with the format version byte
 * ({@value #FORMAT_VERSION}) and a kind byte; integers are unsigned LEB128 varints, byte strings a
 * varint length then the bytes. Layouts ({@code v} = varint, {@code b} = byte string):
 * <pre>
 * command  1 | 1 REGISTER   | v leaderTimeMillis
 *          1 | 2 UNREGISTER | v leaderTimeMillis | v clientId
 *          1 | 3 REQUEST    | v leaderTimeMillis | v clientId | v sequence | v acknowledgedThrough | op
 * op       1 GET b key | 2 PUT b key b value | 3 DELETE b key
 *          4 CAS_VALUE b key b expected b replacement | 5 CAS_VERSION b key v expectedVersion b replacement
 * result   1 | 1 REGISTERED v clientId | 2 UNREGISTERED | 3 WRITTEN v version | 4 DELETED v revision
 *            | 5 FOUND v version b value | 6 NOT_FOUND | 7 COMPARE_FAILED v currentVersion b currentValue
 *            | 8 REJECTED byte reasonCode b detail (printable ASCII)
 * </pre>
 * A Put of a 3-byte key and a 5-byte value takes 17 bytes with small ids and stamp 0, and 22 with
 * a current millisecond stamp. Decoding is strict: an unknown version or kind, a truncated field,
 * an over-long varint, a length above the limits, a value a record refuses, or trailing bytes make
 * the input {@link Decoded.Malformed}; so when bytes decode, re-encoding the value gives the same
 * bytes back.
 */
public final class KvCodec {
    public static final int FORMAT_VERSION = 1;
    public static final int MAX_KEY_BYTES = 8 * 1024;
    public static final int MAX_VALUE_BYTES = 1024 * 1024;

    private static final int REGISTER = 1, UNREGISTER = 2, REQUEST = 3;
    private static final int GET = 1, PUT = 2, DELETE = 3, CAS_VALUE = 4, CAS_VERSION = 5;
    private static final int REGISTERED = 1, UNREGISTERED = 2, WRITTEN = 3, DELETED = 4, FOUND = 5,
            NOT_FOUND = 6, COMPARE_FAILED = 7, REJECTED = 8;

    private KvCodec() {}

    public static byte[] encodeCommand(KvCommand command) {
        ByteWriter out = new ByteWriter(32);
        out.writeByte(FORMAT_VERSION);
        switch (command) {
            case Register register -> out.writeByte(REGISTER).writeVarLong(register.leaderTimeMillis());
            case Unregister unregister -> out.writeByte(UNREGISTER).writeVarLong(unregister.leaderTimeMillis())
                    .writeVarLong(unregister.clientId());
            case Request request -> {
                out.writeByte(REQUEST).writeVarLong(request.leaderTimeMillis()).writeVarLong(request.clientId())
                        .writeVarLong(request.sequence()).writeVarLong(request.acknowledgedThrough());
                writeOperation(out, request.operation());
            }
        }
        return out.toByteArray();
    }

    public static Decoded<KvCommand> decodeCommand(byte[] bytes) {
        try {
            ByteReader in = new ByteReader(bytes);
            readVersion(in, "command");
            int kindOffset = in.position();
            KvCommand command = switch (in.readByte("command kind")) {
                case REGISTER -> new Register(in.readVarLong("leaderTimeMillis"));
                case UNREGISTER -> new Unregister(in.readVarLong("leaderTimeMillis"), in.readVarLong("clientId"));
                case REQUEST -> new Request(in.readVarLong("leaderTimeMillis"), in.readVarLong("clientId"),
                        in.readVarLong("sequence"), in.readVarLong("acknowledgedThrough"), readOperation(in));
                default -> throw in.fail("unknown command kind " + (bytes[kindOffset] & 0xff), kindOffset);
            };
            in.expectEnd("command");
            return new Decoded.Ok<>(command);
        } catch (FormatException | IllegalArgumentException bad) {
            return new Decoded.Malformed<>("malformed command: " + bad.getMessage());
        }
    }

    public static byte[] encodeResult(KvResult result) {
        ByteWriter out = new ByteWriter(16);
        out.writeByte(FORMAT_VERSION);
        switch (result) {
            case Registered registered -> out.writeByte(REGISTERED).writeVarLong(registered.clientId());
            case Unregistered unregistered -> out.writeByte(UNREGISTERED);
            case Written written -> out.writeByte(WRITTEN).writeVarLong(written.version());
            case Deleted deleted -> out.writeByte(DELETED).writeVarLong(deleted.revision());
            case Found found -> out.writeByte(FOUND).writeVarLong(found.version()).writeBytes(found.value());
            case NotFound notFound -> out.writeByte(NOT_FOUND);
            case CompareFailed failed -> out.writeByte(COMPARE_FAILED).writeVarLong(failed.currentVersion())
                    .writeBytes(failed.currentValue());
            case Rejected rejected -> out.writeByte(REJECTED).writeByte(rejected.reason().code)
                    .writeBytes(rejected.detail().getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    public static Decoded<KvResult> decodeResult(byte[] bytes) {
        try {
            ByteReader in = new ByteReader(bytes);
            readVersion(in, "result");
            KvResult result = readResultBody(in);
            in.expectEnd("result");
            return new Decoded.Ok<>(result);
        } catch (FormatException | IllegalArgumentException bad) {
            return new Decoded.Malformed<>("malformed result: " + bad.getMessage());
        }
    }

    private static KvResult readResultBody(ByteReader in) {
        int kindOffset = in.position();
        int kind = in.readByte("result kind");
        return switch (kind) {
            case REGISTERED -> new Registered(in.readVarLong("clientId"));
            case UNREGISTERED -> new Unregistered();
            case WRITTEN -> new Written(in.readVarLong("version"));
            case DELETED -> new Deleted(in.readVarLong("revision"));
            case FOUND -> {
                long version = in.readVarLong("version");
                yield new Found(in.readBytes("value", MAX_VALUE_BYTES), version);
            }
            case NOT_FOUND -> new NotFound();
            case COMPARE_FAILED -> new CompareFailed(in.readVarLong("currentVersion"),
                    in.readBytes("currentValue", MAX_VALUE_BYTES));
            case REJECTED -> readRejected(in);
            default -> throw in.fail("unknown result kind " + kind, kindOffset);
        };
    }

    private static Rejected readRejected(ByteReader in) {
        int reasonOffset = in.position();
        int code = in.readByte("reason");
        KvResult.Reason reason = KvResult.Reason.ofCode(code);
        if (reason == null) {
            throw in.fail("unknown rejection reason " + code, reasonOffset);
        }
        Bytes detail = in.readBytes("detail", Rejected.MAX_DETAIL_LENGTH);
        // US-ASCII maps every byte above 0x7f to U+FFFD, which the record refuses: only the
        // canonical printable-ASCII form decodes.
        return new Rejected(reason, new String(detail.toByteArray(), StandardCharsets.US_ASCII));
    }

    private static void writeOperation(ByteWriter out, Operation operation) {
        switch (operation) {
            case Get get -> out.writeByte(GET).writeBytes(get.key());
            case Put put -> out.writeByte(PUT).writeBytes(put.key()).writeBytes(put.value());
            case Delete delete -> out.writeByte(DELETE).writeBytes(delete.key());
            case CompareAndSetValue cas -> out.writeByte(CAS_VALUE).writeBytes(cas.key())
                    .writeBytes(cas.expected()).writeBytes(cas.replacement());
            case CompareAndSetVersion cas -> out.writeByte(CAS_VERSION).writeBytes(cas.key())
                    .writeVarLong(cas.expectedVersion()).writeBytes(cas.replacement());
        }
    }

    private static Operation readOperation(ByteReader in) {
        int opOffset = in.position();
        int op = in.readByte("operation");
        return switch (op) {
            case GET -> new Get(readKey(in));
            case PUT -> new Put(readKey(in), readValue(in, "value"));
            case DELETE -> new Delete(readKey(in));
            case CAS_VALUE -> new CompareAndSetValue(readKey(in), readValue(in, "expected"),
                    readValue(in, "replacement"));
            case CAS_VERSION -> new CompareAndSetVersion(readKey(in), in.readVarLong("expectedVersion"),
                    readValue(in, "replacement"));
            default -> throw in.fail("unknown operation " + op, opOffset);
        };
    }

    private static Bytes readKey(ByteReader in) {
        return in.readBytes("key", MAX_KEY_BYTES);
    }

    private static Bytes readValue(ByteReader in, String field) {
        return in.readBytes(field, MAX_VALUE_BYTES);
    }

    private static void readVersion(ByteReader in, String what) {
        int version = in.readByte(what + " format version");
        if (version != FORMAT_VERSION) {
            throw in.fail("unsupported " + what + " format version " + version + " (this build reads "
                    + FORMAT_VERSION + ")", 0);
        }
    }

    // Record validation shared by the command and result records, so that no value exists that
    // the codec could encode but not decode.

    static void checkTime(long leaderTimeMillis) {
        if (leaderTimeMillis < 0) {
            throw new IllegalArgumentException("leaderTimeMillis must be >= 0, got " + leaderTimeMillis);
        }
    }

    static void checkPositive(long value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    static void checkKey(Bytes key) {
        if (key == null || key.length() > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key must be present and at most " + MAX_KEY_BYTES + " bytes");
        }
    }

    static void checkValue(Bytes value) {
        if (value == null || value.length() > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("value must be present and at most " + MAX_VALUE_BYTES + " bytes");
        }
    }
}
