package io.raftkv.jepsen.client;

import io.raftkv.client.Endpoint;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.VersionedValue;
import io.raftkv.jepsen.generator.PlannedOp;
import io.raftkv.jepsen.history.OpType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A client process bound to one node: the project's client library with that node as its only
 * endpoint. Writes and cas follow the node's redirect to the leader (as a Jepsen client on a node
 * is forwarded), {@code lease} reads too (the leader answers them from its lease); linearizable
 * reads are answered by the bound node, a follower after forwarding them to its leader (ReadIndex,
 * thesis §6.4), so they exercise the follower path; {@code local} reads are answered by the bound
 * node from its own state, so processes bound to a follower or a minority read that node's state.
 *
 * <p>The library already says what the server's answers mean ({@code io.raftkv.client.Outcome}):
 * Ok is {@code :ok}; Failed (a refused compare-and-set, a request never appended: no leader, not
 * taken, node stopped; or a deadline passed before any attempt could have been applied) is
 * {@code :fail}; Unknown (a timeout or lost connection after an attempt may have reached the log,
 * an overwritten entry, a stale sequence) is {@code :info}. A timeout is therefore never a
 * {@code :fail} unless no attempt of it can have been appended.
 *
 * <p>Values are decimal numbers as UTF-8 text; a read of anything else is recorded as the text, so
 * the checker sees it as the foreign value it is.
 */
public final class RaftKvNodeClient implements KvClient {
  private final Endpoint node;
  private final ReadConsistency reads;
  private final RaftKvClient client;

  public RaftKvNodeClient(Endpoint node, ReadConsistency reads, Duration operationTimeout) {
    this.node = node;
    this.reads = reads;
    this.client = RaftKvClient.connect(RaftKvClient.Options.defaults(List.of(node))
        .withOperationTimeout(operationTimeout)
        .withAttemptTimeout(Duration.ofMillis(Math.min(1000, operationTimeout.toMillis())))
        .withRetryPauseMax(Duration.ofMillis(50)));
  }

  @Override
  public Completion invoke(PlannedOp op) {
    return switch (op.f()) {
      case "read" -> read(op.key(), reads);
      case "write" -> written(client.put(op.key(), bytes(op.value())), op.value());
      case "cas" -> {
        List<?> expectedNew = (List<?>) op.value();
        yield written(client.compareAndSet(op.key(), bytes(expectedNew.get(0)), bytes(expectedNew.get(1))),
            op.value());
      }
      default -> throw new IllegalArgumentException("no such op: " + op.f());
    };
  }

  /** A read with the given consistency (the final reads are always linearizable). */
  public Completion read(String key, ReadConsistency consistency) {
    Outcome<Optional<VersionedValue>> outcome = switch (consistency) {
      case LOCAL -> client.readLocal(node, key);
      case LEASE -> client.getLease(key);
      case LINEARIZABLE -> client.get(key);
    };
    if (outcome instanceof Outcome.Ok<Optional<VersionedValue>> ok) {
      return new Completion(OpType.OK, ok.value().map(v -> decode(v.bytes())).orElse(null), null);
    }
    return notOk(outcome, null);
  }

  private static Completion written(Outcome<Long> outcome, Object value) {
    return completion(outcome, value);
  }

  /** A write's or cas's outcome: ok with the value written, fail, or info. */
  static Completion completion(Outcome<?> outcome, Object value) {
    return outcome.isOk() ? new Completion(OpType.OK, value, null) : notOk(outcome, value);
  }

  private static Completion notOk(Outcome<?> outcome, Object value) {
    return switch (outcome) {
      case Outcome.Failed<?> failed -> new Completion(OpType.FAIL, value, failed.error());
      case Outcome.Unknown<?> unknown -> new Completion(OpType.INFO, value, unknown.message());
      case Outcome.Ok<?> ok -> throw new IllegalStateException("an ok outcome is not a failure");
    };
  }

  static byte[] bytes(Object value) {
    return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
  }

  static Object decode(byte[] value) {
    String text = new String(value, StandardCharsets.UTF_8);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException notANumber) {
      return text;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
