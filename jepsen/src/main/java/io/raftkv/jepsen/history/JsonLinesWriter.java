package io.raftkv.jepsen.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes histories as JSON lines, one op object per line. Keywords become their names (JSON has no
 * keywords), so an EDN history with keyword values reads back with strings in their place.
 */
public final class JsonLinesWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonLinesWriter() {}

  public static void write(History history, Path path) throws IOException {
    try (Writer out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
      write(history, out);
    }
  }

  public static void write(History history, Writer out) throws IOException {
    for (Op op : history.ops()) {
      out.write(format(op));
      out.write('\n');
    }
  }

  public static String format(Op op) {
    ObjectNode node = NODES.objectNode();
    node.put("index", op.index());
    if (op.time() >= 0) {
      node.put("time", op.time());
    }
    node.set("process", toJson(op.process()));
    node.put("type", op.type().wireName());
    node.put("f", op.f());
    if (op.key() != null) {
      node.set("key", toJson(op.key()));
    }
    node.set("value", toJson(op.value()));
    try {
      return JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode toJson(Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof java.math.BigInteger b) {
      return NODES.numberNode(b);
    }
    if (value instanceof Double d) {
      return NODES.numberNode(d);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof String s) {
      return NODES.textNode(s);
    }
    if (value instanceof Keyword k) {
      return NODES.textNode(k.name());
    }
    if (value instanceof List<?> || value instanceof Set<?>) {
      ArrayNode array = NODES.arrayNode();
      for (Object element : (Iterable<?>) value) {
        array.add(toJson(element));
      }
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object key = e.getKey();
        object.set(key instanceof Keyword k ? k.name() : String.valueOf(key), toJson(e.getValue()));
      }
      return object;
    }
    throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
  }
}
