package io.raftkv.tracecheck;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes trace lines as TLA+ expressions, for traces given to TLC as a generated module: objects
 * are records, arrays tuples, except the arrays under the keys of {@link TraceFormat#SET_KEYS} (a
 * configuration's server sets), which are sets, as {@link TlaValues} builds them.
 */
final class TlaText {

  private TlaText() {}

  static void append(StringBuilder out, JsonNode value) {
    switch (value.getNodeType()) {
      case OBJECT -> {
        out.append('[');
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        boolean first = true;
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> field = fields.next();
          if (!first) {
            out.append(", ");
          }
          first = false;
          out.append(identifier(field.getKey())).append(" |-> ");
          if (TraceFormat.SET_KEYS.contains(field.getKey())) {
            appendSet(out, field.getValue());
          } else if (TraceFormat.NAME_KEYS.contains(field.getKey())) {
            appendString(out, field.getValue().asText());
          } else {
            append(out, field.getValue());
          }
        }
        if (first) {
          throw new IllegalArgumentException("an empty JSON object has no TLA+ record counterpart");
        }
        out.append(']');
      }
      case ARRAY -> {
        out.append("<<");
        for (int k = 0; k < value.size(); k++) {
          if (k > 0) {
            out.append(", ");
          }
          append(out, value.get(k));
        }
        out.append(">>");
      }
      case NUMBER -> {
        if (!value.canConvertToInt() || value.isFloatingPointNumber()) {
          throw new IllegalArgumentException("not a TLC integer (32 bits): " + value);
        }
        out.append(value.asInt());
      }
      case BOOLEAN -> out.append(value.asBoolean() ? "TRUE" : "FALSE");
      case STRING -> appendString(out, value.asText());
      default -> throw new IllegalArgumentException("no TLA+ counterpart for JSON " + value.getNodeType() + ": " + value);
    }
  }

  static void appendSet(StringBuilder out, JsonNode array) {
    if (!array.isArray()) {
      throw new IllegalArgumentException("a set must be a JSON array, got " + array);
    }
    out.append('{');
    for (int k = 0; k < array.size(); k++) {
      if (k > 0) {
        out.append(", ");
      }
      append(out, array.get(k));
    }
    out.append('}');
  }

  private static String identifier(String name) {
    if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')
        || name.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("not a TLA+ record field name: \"" + name + "\"");
    }
    return name;
  }

  static void appendString(StringBuilder out, String text) {
    out.append('"');
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    out.append('"');
  }
}
