package io.raftkv.jepsen.client;

import io.raftkv.jepsen.generator.PlannedOp;

/** Jepsen's client protocol: runs one op and says how it ended. One op at a time. */
public interface KvClient extends AutoCloseable {
  Completion invoke(PlannedOp op);

  @Override
  void close();
}
