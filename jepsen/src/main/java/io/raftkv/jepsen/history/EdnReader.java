package io.raftkv.jepsen.history;

import clojure.java.api.Clojure;
import clojure.lang.AFn;
import clojure.lang.BigInt;
import clojure.lang.IFn;
import clojure.lang.IPersistentMap;
import clojure.lang.IPersistentSet;
import clojure.lang.LineNumberingPushbackReader;
import clojure.lang.PersistentHashMap;
import clojure.lang.Ratio;
import clojure.lang.Sequential;
import clojure.lang.Symbol;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads EDN with Clojure's own reader ({@code clojure.edn/read}) and converts what it returns to
 * plain immutable Java values (see {@link Op}), so Clojure's types stop at this class.
 *
 * <p>Clojure's runtime is loaded once, on first use (about a second). Tagged literals such as
 * Jepsen's {@code #jepsen.history.Op{...}} records read as their untagged form.
 */
public final class EdnReader {
  private static final Object EOF = new Object();

  private static final class Holder {
    static final IFn READ;
    static final IPersistentMap OPTIONS;

    static {
      IFn require = Clojure.var("clojure.core", "require");
      require.invoke(Clojure.read("clojure.edn"));
      READ = Clojure.var("clojure.edn", "read");
      IFn untagged =
          new AFn() {
            @Override
            public Object invoke(Object tag, Object value) {
              return value;
            }
          };
      OPTIONS =
          PersistentHashMap.create(
              clojure.lang.Keyword.intern("eof"), EOF, clojure.lang.Keyword.intern("default"), untagged);
    }
  }

  private EdnReader() {}

  /** Loads Clojure's runtime now, so that later timings do not include it. */
  public static void warmUp() {
    if (Holder.READ == null) {
      throw new IllegalStateException("clojure.edn/read not found");
    }
  }

  /** Reads every top-level form of {@code reader}, converted; comments and whitespace are skipped. */
  public static List<Object> readAll(Reader reader) throws HistoryFormatException {
    PushbackReader pushback = reader instanceof PushbackReader p ? p : new PushbackReader(reader, 2);
    List<Object> forms = new ArrayList<>();
    while (true) {
      Object form;
      try {
        form = Holder.READ.invoke(Holder.OPTIONS, pushback);
      } catch (RuntimeException e) {
        throw new HistoryFormatException("EDN syntax error after " + forms.size() + " top-level forms: "
            + rootMessage(e), e);
      }
      if (form == EOF) {
        return forms;
      }
      forms.add(toJava(form));
    }
  }

  /**
   * A form of a history file and the line it starts on (1-based).
   *
   * @param value the form, converted to plain Java values
   * @param line its first line
   */
  public record Located(Object value, int line) {}

  /**
   * Reads a history's op forms with their lines: the elements of each top-level vector or list,
   * and each other top-level form as it is. Clojure's reader reads each element on its own (the
   * brackets of a top-level sequence are taken here), so that each op's line is known.
   *
   * @param source names the file in messages, which start {@code source:line:}
   */
  public static List<Located> readElements(String source, Reader text) throws HistoryFormatException {
    LineNumberingPushbackReader reader = new LineNumberingPushbackReader(text, 2);
    List<Located> forms = new ArrayList<>();
    int close = -1; // the bracket that ends the open top-level sequence; -1 at the top level
    int openedAt = 0;
    while (true) {
      int c = skipBlank(source, reader);
      int line = reader.getLineNumber();
      if (c == -1 && close == -1) {
        return forms;
      } else if (c == -1) {
        throw new HistoryFormatException(source + ":" + openedAt + ": EDN syntax error: the "
            + (close == ']' ? "[" : "(") + " opened here is never closed");
      } else if (c == close) {
        close = -1;
      } else if (close == -1 && (c == '[' || c == '(')) {
        close = c == '[' ? ']' : ')';
        openedAt = line;
      } else if (c == ']' || c == ')' || c == '}') {
        throw new HistoryFormatException(source + ":" + line + ": EDN syntax error: unmatched " + (char) c);
      } else {
        unread(source, reader, c);
        forms.add(new Located(readForm(source, reader, line), line));
      }
    }
  }

  private static Object readForm(String source, LineNumberingPushbackReader reader, int line)
      throws HistoryFormatException {
    Object form;
    try {
      form = Holder.READ.invoke(Holder.OPTIONS, reader);
    } catch (RuntimeException e) {
      int at = reader.getLineNumber();
      throw new HistoryFormatException(source + ":" + at + ": EDN syntax error"
          + (at != line ? " in the form starting at line " + line : "") + ": " + rootMessage(e), e);
    }
    return toJava(form);
  }

  /** Skips whitespace, commas and {@code ;} comments; returns the next character (consumed), or -1. */
  private static int skipBlank(String source, LineNumberingPushbackReader reader) throws HistoryFormatException {
    try {
      int c = reader.read();
      while (c != -1 && (Character.isWhitespace(c) || c == ',' || c == ';')) {
        if (c == ';') {
          while (c != -1 && c != '\n') {
            c = reader.read();
          }
        }
        c = reader.read();
      }
      return c;
    } catch (IOException e) {
      throw new HistoryFormatException(source + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static void unread(String source, LineNumberingPushbackReader reader, int c) throws HistoryFormatException {
    try {
      reader.unread(c);
    } catch (IOException e) {
      throw new HistoryFormatException(source + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Reads one EDN value from a string (e.g. a command-line {@code --init}). */
  public static Object readString(String text) throws HistoryFormatException {
    List<Object> forms;
    try {
      forms = readAll(new java.io.StringReader(text));
    } catch (HistoryFormatException e) {
      throw new HistoryFormatException(rootMessage(e), e);
    }
    if (forms.size() != 1) {
      throw new HistoryFormatException("expected one value, got " + forms.size());
    }
    return forms.get(0);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** Converts a value returned by Clojure's reader to the plain Java values {@link Op} holds. */
  static Object toJava(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Double) {
      return value;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInt big) {
      BigInteger integer = big.toBigInteger();
      return integer.bitLength() < 64 ? (Object) integer.longValue() : integer;
    }
    if (value instanceof BigInteger integer) {
      return integer.bitLength() < 64 ? (Object) integer.longValue() : integer;
    }
    if (value instanceof BigDecimal || value instanceof Ratio || value instanceof Float) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof Character c) {
      return c.toString();
    }
    if (value instanceof clojure.lang.Keyword k) {
      return Keyword.of(k.getNamespace() == null ? k.getName() : k.getNamespace() + "/" + k.getName());
    }
    if (value instanceof Symbol s) {
      return s.toString();
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> converted = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        converted.put(toJava(e.getKey()), toJava(e.getValue()));
      }
      return Collections.unmodifiableMap(converted);
    }
    if (value instanceof IPersistentSet || value instanceof Set<?>) {
      Set<Object> converted = new LinkedHashSet<>();
      for (Object element : (Iterable<?>) value) {
        converted.add(toJava(element));
      }
      return Collections.unmodifiableSet(converted);
    }
    if (value instanceof Sequential || value instanceof List<?>) {
      List<Object> converted = new ArrayList<>();
      for (Object element : (Iterable<?>) value) {
        converted.add(toJava(element));
      }
      return Collections.unmodifiableList(converted);
    }
    throw new IllegalArgumentException("unsupported EDN value of " + value.getClass().getName() + ": " + value);
  }

}
