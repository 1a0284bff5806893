package io.raftkv.jepsen.cli;

import io.raftkv.jepsen.history.EdnReader;
import io.raftkv.jepsen.history.HistoryFormatException;
import io.raftkv.jepsen.model.Model;
import io.raftkv.jepsen.model.Models;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model with its settings, as named on the command line or in a manifest's model column.
 *
 * @param name one of {@link Models#NAMES}
 * @param initial the initial value as EDN text, or null for the model's default
 * @param nilReadWildcard Knossos's "an ok read of nil matches any state"
 */
record ModelChoice(String name, String initial, boolean nilReadWildcard) {
  private static final Pattern INIT = Pattern.compile("\\binit\\s+(\"[^\"]*\"|\\{[^}]*\\}|-?\\d+|nil|true|false)");

  ModelChoice {
    if (!Models.NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown model " + name + "; one of " + String.join(", ", Models.NAMES));
    }
  }

  /**
   * The model.
   *
   * @param initOrigin where the initial value was given ({@code --init}, a manifest's line), to
   *     blame it there when it is not EDN or does not suit the model
   * @throws IllegalArgumentException whose message starts with {@code initOrigin}
   */
  Model build(String initOrigin) {
    Object init = null;
    if (initial != null) {
      try {
        init = EdnReader.readString(initial);
      } catch (HistoryFormatException e) {
        throw new IllegalArgumentException(initOrigin + ": cannot read '" + initial + "' as EDN: " + e.getMessage());
      }
    }
    try {
      return Models.create(name, init, initial != null, nilReadWildcard);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(initOrigin + ": " + e.getMessage());
    }
  }

  String describe() {
    return name + (initial != null ? " init " + initial : "") + (nilReadWildcard ? " nil-read-wildcard" : "");
  }

  /**
   * Reads a manifest's model column. Either a model name first ({@code cas-register init 0
   * nil-read-wildcard}), or a description naming where the history comes from: Knossos's data
   * (its rule that an ok read of nil matches anything applies) or Porcupine's kv logs (strings,
   * initially {@code ""}). The initial value is taken from {@code init V} when present.
   */
  static ModelChoice fromManifest(String column) {
    String text = column.trim();
    String lower = text.toLowerCase(Locale.ROOT);
    String first = lower.split("[\\s,;:]+", 2)[0];
    Matcher init = INIT.matcher(text);
    String initial = init.find() ? init.group(1) : null;
    if (Models.NAMES.contains(first)) {
      return new ModelChoice(first, initial, lower.contains("nil-read-wildcard"));
    }
    boolean knossos = lower.startsWith("knossos");
    String name;
    if (lower.contains("multi-register")) {
      name = "multi-register";
    } else if (lower.contains("cas-register")) {
      name = "cas-register";
    } else if (lower.contains("mutex")) {
      name = "mutex";
    } else if (lower.contains("kvmodel") || lower.matches(".*\\bkv\\b.*")) {
      name = "kv";
      if (initial == null && lower.startsWith("porcupine")) {
        initial = "\"\"";
      }
    } else if (lower.contains("register")) {
      name = "register";
    } else {
      throw new IllegalArgumentException("cannot tell the model from the manifest's model column: " + column);
    }
    boolean wildcard = knossos || lower.contains("read nil = unknown") || lower.contains("nil-read-wildcard");
    return new ModelChoice(name, initial, wildcard);
  }
}
