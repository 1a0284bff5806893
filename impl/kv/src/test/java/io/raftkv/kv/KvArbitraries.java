package io.raftkv.kv;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of every command and result shape, with the edge values of each field. */
final class KvArbitraries {
    private KvArbitraries() {}

    static Arbitrary<Bytes> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(Bytes::copyOf);
    }

    static Arbitrary<Long> nonNegative() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE);
    }

    static Arbitrary<Long> positive() {
        return Arbitraries.longs().between(1, Long.MAX_VALUE);
    }

    static Arbitrary<KvCommand.Operation> operations() {
        return Arbitraries.oneOf(
                bytes().map(KvCommand.Get::new),
                Combinators.combine(bytes(), bytes()).as(KvCommand.Put::new),
                bytes().map(KvCommand.Delete::new),
                Combinators.combine(bytes(), bytes(), bytes()).as(KvCommand.CompareAndSetValue::new),
                Combinators.combine(bytes(), nonNegative(), bytes()).as(KvCommand.CompareAndSetVersion::new));
    }

    static Arbitrary<KvCommand> commands() {
        Arbitrary<KvCommand> request = Combinators.combine(nonNegative(), positive(), positive(), nonNegative(),
                operations()).as((time, client, sequence, acknowledged, operation) -> new KvCommand.Request(time,
                        client, sequence, Math.min(acknowledged, sequence - 1), operation));
        return Arbitraries.oneOf(
                nonNegative().map(KvCommand.Register::new),
                Combinators.combine(nonNegative(), positive()).as(KvCommand.Unregister::new),
                request);
    }

    static Arbitrary<KvResult> results() {
        return Arbitraries.oneOf(
                positive().map(KvResult.Registered::new),
                Arbitraries.just(new KvResult.Unregistered()),
                positive().map(KvResult.Written::new),
                positive().map(KvResult.Deleted::new),
                Combinators.combine(bytes(), positive()).as(KvResult.Found::new),
                Arbitraries.just(new KvResult.NotFound()),
                Arbitraries.just(new KvResult.CompareFailed(0, Bytes.EMPTY)),
                Combinators.combine(positive(), bytes()).as(KvResult.CompareFailed::new),
                Combinators.combine(Arbitraries.of(KvResult.Reason.class),
                        Arbitraries.strings().ascii().ofMaxLength(KvResult.Rejected.MAX_DETAIL_LENGTH))
                        .as(KvResult.Rejected::of));
    }
}
