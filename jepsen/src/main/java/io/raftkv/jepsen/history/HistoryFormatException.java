package io.raftkv.jepsen.history;

/** A history file that cannot be read as a history; the message says where and why. */
public final class HistoryFormatException extends Exception {
  public HistoryFormatException(String message) {
    super(message);
  }

  public HistoryFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
