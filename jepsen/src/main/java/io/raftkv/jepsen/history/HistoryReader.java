package io.raftkv.jepsen.history;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Jepsen histories.
 *
 * <p>Two formats:
 * <ul>
 *   <li>EDN, as Jepsen and Knossos write it: a vector or list of op maps, or bare op maps one after
 *       another, with {@code ;} comments. Read by Clojure's own EDN reader ({@link EdnReader}).
 *   <li>JSON lines: one JSON object per line ({@code {"process":0,"type":"invoke","f":"read",
 *       "value":null}}), or one JSON array of such objects. Strings stand where EDN has keywords.
 * </ul>
 * The format is chosen by extension ({@code .json}, {@code .jsonl}, {@code .ndjson} are JSON) and
 * otherwise by content: JSON if the first object starts with {@code {"}.
 *
 * <p>Each op needs {@code :process}, {@code :type} and {@code :f}; {@code :value}, {@code :key},
 * {@code :time} and {@code :index} are optional. Real-time order is file order: {@code :index} and
 * {@code :time} are kept for display only.
 */
public final class HistoryReader {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.ALLOW_COMMENTS);

  private HistoryReader() {}

  public static History read(Path path) throws IOException, HistoryFormatException {
    String text = Files.readString(path, StandardCharsets.UTF_8);
    return parse(path.toString(), text, isJsonName(path.getFileName().toString()) || looksLikeJson(text));
  }

  /** Parses history text; {@code source} names it in messages. */
  public static History parse(String source, String text) throws HistoryFormatException {
    return parse(source, text, looksLikeJson(text));
  }

  private static History parse(String source, String text, boolean json) throws HistoryFormatException {
    List<EdnReader.Located> forms = json ? jsonForms(source, text)
        : EdnReader.readElements(source, new StringReader(text));
    List<Op> ops = new ArrayList<>(forms.size());
    int[] lines = new int[forms.size()];
    for (EdnReader.Located form : forms) {
      String where = source + ":" + form.line() + ": op " + ops.size();
      if (!(form.value() instanceof Map<?, ?> map)) {
        throw new HistoryFormatException(where + " is not a map: " + EdnWriter.format(form.value()));
      }
      lines[ops.size()] = form.line();
      ops.add(toOp(where, ops.size(), map));
    }
    return new History(source, ops, lines);
  }

  static boolean isJsonName(String name) {
    return name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson");
  }

  /** JSON if the first op object begins {@code {"}, skipping whitespace, one {@code [} and EDN comments. */
  static boolean looksLikeJson(String text) {
    int i = skipBlank(text, 0);
    if (i < text.length() && text.charAt(i) == '[') {
      i = skipBlank(text, i + 1);
    }
    if (i >= text.length() || text.charAt(i) != '{') {
      return false;
    }
    i = skipBlank(text, i + 1);
    return i < text.length() && text.charAt(i) == '"';
  }

  private static int skipBlank(String text, int from) {
    int i = from;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == ';') {
        while (i < text.length() && text.charAt(i) != '\n') {
          i++;
        }
      } else if (Character.isWhitespace(c) || c == ',') {
        i++;
      } else {
        break;
      }
    }
    return i;
  }

  /**
   * The JSON values of the text with their lines: the elements of each top-level array, and each
   * other top-level value (one object per line, for JSON lines).
   */
  private static List<EdnReader.Located> jsonForms(String source, String text) throws HistoryFormatException {
    List<EdnReader.Located> forms = new ArrayList<>();
    try (JsonParser parser = JSON.getFactory().createParser(text)) {
      boolean inArray = false;
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (!inArray && token == JsonToken.START_ARRAY) {
          inArray = true;
        } else if (inArray && token == JsonToken.END_ARRAY) {
          inArray = false;
        } else {
          int line = parser.currentTokenLocation().getLineNr();
          forms.add(new EdnReader.Located(fromJson(JSON.readTree(parser)), line));
        }
      }
    } catch (JsonProcessingException e) {
      throw new HistoryFormatException(source + ":" + e.getLocation().getLineNr() + ": JSON error: "
          + e.getOriginalMessage().replace('\n', ' '), e);
    } catch (IOException e) {
      throw new HistoryFormatException(source + ": cannot read: " + e.getMessage(), e);
    }
    return forms;
  }

  private static Object fromJson(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(element -> list.add(fromJson(element)));
      return Collections.unmodifiableList(list);
    }
    Map<Object, Object> map = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> map.put(e.getKey(), fromJson(e.getValue())));
    return Collections.unmodifiableMap(map);
  }

  private static Object field(Map<?, ?> map, String name) {
    Object value = map.get(Keyword.of(name));
    return value != null || map.containsKey(Keyword.of(name)) ? value : map.get(name);
  }

  private static boolean hasField(Map<?, ?> map, String name) {
    return map.containsKey(Keyword.of(name)) || map.containsKey(name);
  }

  /** A keyword or string as a bare name; null for anything else. */
  static String nameOf(Object value) {
    if (value instanceof Keyword k) {
      return k.name();
    }
    return value instanceof String s ? s : null;
  }

  /** The op of {@code map}; {@code at} says where it is ({@code file:line: op N}). */
  private static Op toOp(String at, int position, Map<?, ?> map) throws HistoryFormatException {
    String where = at + " " + EdnWriter.format(map);
    Object process = field(map, "process");
    if (process == null) {
      throw new HistoryFormatException(where + ": missing :process");
    }
    if (process instanceof String s) {
      process = Keyword.of(s);
    }
    String typeName = nameOf(field(map, "type"));
    OpType type = typeName == null ? null : OpType.fromWireName(typeName);
    if (type == null) {
      throw new HistoryFormatException(where + ": :type must be one of invoke, ok, fail, info");
    }
    String f = nameOf(field(map, "f"));
    if (f == null) {
      throw new HistoryFormatException(where + ": missing or non-keyword :f");
    }
    long time = -1;
    Object timeValue = field(map, "time");
    if (timeValue instanceof Long t) {
      time = t;
    } else if (timeValue != null) {
      throw new HistoryFormatException(where + ": :time is not an integer");
    }
    Object key = hasField(map, "key") ? field(map, "key") : null;
    return new Op(position, time, process, type, f, field(map, "value"), key);
  }
}
