package io.raftkv.tracecheck;

import java.util.Map;

/** Values of Raft.tla's constants in trace validation, besides Server and Nil (set per trace). */
final class TraceConstants {

  private TraceConstants() {}

  /** Constant name -> TLA+ value, as written in a .cfg file. */
  static final Map<String, String> VALUES = Map.of("PreVote", "TRUE");
}
