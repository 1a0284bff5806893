package io.raftkv.jepsen.history;

import java.util.Locale;

/** Jepsen's op types: an invocation and its three possible completions. */
public enum OpType {
  /** A client began an operation. */
  INVOKE,
  /** The operation took effect, and its completion carries what it observed. */
  OK,
  /** The operation certainly did not take effect. */
  FAIL,
  /** Indeterminate: it may have taken effect at any point after its invocation, or never. */
  INFO;

  /** The name as written in histories ({@code invoke}, {@code ok}, ...). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; returns null when it is not an op type. */
  public static OpType fromWireName(String name) {
    return switch (name) {
      case "invoke" -> INVOKE;
      case "ok" -> OK;
      case "fail" -> FAIL;
      case "info" -> INFO;
      default -> null;
    };
  }
}
