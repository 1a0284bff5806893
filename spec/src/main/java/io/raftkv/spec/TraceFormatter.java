package io.raftkv.spec;

import io.raftkv.spec.TlcResult.TraceState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Prints an error trace for people: the first state in full, then for each step the action and
 * only what changed. A variable that is a function TLC prints as {@code (k1 :> v1 @@ k2 :> v2)}
 * (per-server state, the message bag) is compared key by key, so a step reads as
 * {@code currentTerm[s1]: 0 -> 1} or {@code messages: + [type |-> "AppendEntriesRequest", ...]}.
 */
public final class TraceFormatter {

  private TraceFormatter() {}

  /** The trace as lines of text. */
  public static List<String> format(List<TraceState> trace) {
    List<String> out = new ArrayList<>();
    Map<String, String> previous = null;
    for (TraceState state : trace) {
      if (previous == null) {
        out.add("State " + state.number() + ": " + state.actionName());
        state.variables().forEach((name, value) -> out.add("  " + name + " = " + oneLine(value)));
      } else {
        out.add("State " + state.number() + ": " + state.actionName());
        int before = out.size();
        for (Map.Entry<String, String> e : state.variables().entrySet()) {
          String old = previous.get(e.getKey());
          if (!Objects.equals(old, e.getValue())) {
            diff(e.getKey(), old, e.getValue(), out);
          }
        }
        if (out.size() == before) {
          out.add("  (no change)");
        }
      }
      previous = new LinkedHashMap<>(state.variables());
    }
    return out;
  }

  private static void diff(String name, String old, String now, List<String> out) {
    Map<String, String> oldMap = old == null ? null : function(oneLine(old));
    Map<String, String> newMap = function(oneLine(now));
    if (oldMap == null || newMap == null) {
      out.add("  " + name + ": " + (old == null ? "?" : oneLine(old)) + " -> " + oneLine(now));
      return;
    }
    boolean bag = name.equals("messages");
    for (Map.Entry<String, String> e : newMap.entrySet()) {
      String was = oldMap.get(e.getKey());
      if (was == null) {
        out.add(bag
            ? "  messages: + " + e.getKey() + copies(e.getValue())
            : "  " + name + "[" + e.getKey() + "]: (none) -> " + e.getValue());
      } else if (!was.equals(e.getValue())) {
        out.add(bag
            ? "  messages: copies " + was + " -> " + e.getValue() + " of " + e.getKey()
            : "  " + name + "[" + e.getKey() + "]: " + was + " -> " + e.getValue());
      }
    }
    for (String key : oldMap.keySet()) {
      if (!newMap.containsKey(key)) {
        out.add(bag ? "  messages: - " + key : "  " + name + "[" + key + "]: removed");
      }
    }
  }

  private static String copies(String count) {
    return count.equals("1") ? "" : " (x" + count + ")";
  }

  static String oneLine(String value) {
    return value.replaceAll("\\s*\\n\\s*", " ").strip();
  }

  /**
   * Parses TLC's text of a function, {@code (k1 :> v1 @@ k2 :> v2)} or {@code <<>>} (empty), into
   * key -> value text; null if the text is not such a function.
   */
  static Map<String, String> function(String text) {
    if (text.equals("<<>>") || text.equals("<< >>")) {
      return new LinkedHashMap<>();
    }
    if (!text.startsWith("(") || !text.endsWith(")")) {
      return null;
    }
    String body = text.substring(1, text.length() - 1);
    Map<String, String> map = new LinkedHashMap<>();
    for (String pair : splitTopLevel(body, " @@ ")) {
      List<String> kv = splitTopLevel(pair, " :> ");
      if (kv.size() != 2) {
        return null;
      }
      map.put(kv.get(0).strip(), kv.get(1).strip());
    }
    return map;
  }

  /** Splits at occurrences of sep outside brackets, tuples and strings. */
  static List<String> splitTopLevel(String text, String sep) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    boolean inString = false;
    int start = 0;
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      if (inString) {
        if (c == '\\') {
          k++;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (c == '"') {
        inString = true;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (text.startsWith("<<", k)) {
        depth++;
        k++;
      } else if (text.startsWith(">>", k)) {
        depth--;
        k++;
      } else if (depth == 0 && text.startsWith(sep, k)) {
        parts.add(text.substring(start, k));
        start = k + sep.length();
        k = start - 1;
      }
    }
    parts.add(text.substring(start));
    return parts;
  }
}
