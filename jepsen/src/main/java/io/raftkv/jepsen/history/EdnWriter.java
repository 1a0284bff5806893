package io.raftkv.jepsen.history;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes histories as EDN, one op map per line inside a vector (what Knossos reads), and single
 * values in EDN syntax. Output reads back to equal values with {@link EdnReader}.
 */
public final class EdnWriter {
  private EdnWriter() {}

  public static void write(History history, Path path) throws IOException {
    try (Writer out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
      write(history, out);
    }
  }

  public static void write(History history, Writer out) throws IOException {
    out.write('[');
    boolean first = true;
    for (Op op : history.ops()) {
      if (!first) {
        out.write("\n ");
      }
      first = false;
      out.write(format(op));
    }
    out.write("]\n");
  }

  /** One op as an EDN map. */
  public static String format(Op op) {
    StringBuilder sb = new StringBuilder(96);
    sb.append("{:index ").append(op.index());
    if (op.time() >= 0) {
      sb.append(", :time ").append(op.time());
    }
    sb.append(", :process ");
    value(sb, op.process());
    sb.append(", :type :").append(op.type().wireName());
    sb.append(", :f ");
    value(sb, Keyword.of(op.f()));
    if (op.key() != null) {
      sb.append(", :key ");
      value(sb, op.key());
    }
    sb.append(", :value ");
    value(sb, op.value());
    return sb.append('}').toString();
  }

  /** Any supported value in EDN syntax. */
  public static String format(Object value) {
    StringBuilder sb = new StringBuilder();
    value(sb, value);
    return sb.toString();
  }

  static void value(StringBuilder sb, Object value) {
    if (value == null) {
      sb.append("nil");
    } else if (value instanceof String s) {
      string(sb, s);
    } else if (value instanceof Keyword k) {
      sb.append(':').append(k.name());
    } else if (value instanceof java.math.BigInteger b) {
      sb.append(b).append('N');
    } else if (value instanceof Number || value instanceof Boolean) {
      sb.append(value);
    } else if (value instanceof List<?> list) {
      sequence(sb, '[', list.iterator(), ']');
    } else if (value instanceof Set<?> set) {
      sequence(sb, "#{", set.iterator(), '}');
    } else if (value instanceof Map<?, ?> map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        value(sb, e.getKey());
        sb.append(' ');
        value(sb, e.getValue());
      }
      sb.append('}');
    } else {
      throw new IllegalArgumentException("no EDN form for " + value.getClass().getName());
    }
  }

  private static void sequence(StringBuilder sb, Object open, Iterator<?> elements, char close) {
    sb.append(open);
    boolean first = true;
    while (elements.hasNext()) {
      if (!first) {
        sb.append(' ');
      }
      first = false;
      value(sb, elements.next());
    }
    sb.append(close);
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
