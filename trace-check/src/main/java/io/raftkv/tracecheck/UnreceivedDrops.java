package io.raftkv.tracecheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adds to a merged trace the lines that drop the messages no later line mentions (spec/TraceRaft.tla,
 * TraceDropUnreceived). A real network loses messages without a line (a partition, a killed
 * receiver); the spec keeps them in flight for ever, which is allowed but costly: after a kill the
 * replay follows both readings of the killed node's last input, and the two differ, to the end of
 * the trace, in messages one of them sent that nobody receives. Dropping those lets them meet again.
 *
 * <p>A message is named by the fields TraceRaft matches it on ({@link #key}): for most types the
 * whole message, for the types whose spec message has ghost fields only the spec fields the match
 * reads. A message's last mention is the last line with it as {@code msg} or {@code reply}. Every
 * {@code every} lines a DropUnreceived line lists the messages whose last mention is behind it.
 */
final class UnreceivedDrops {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How often a merge drops what is unreceived: often enough to join readings soon. */
  static final int EVERY = 1_000;

  private UnreceivedDrops() {}

  /** The events with the drop lines added (as many as the list grew by). */
  static List<ObjectNode> add(List<ObjectNode> events, int every) {
    Map<String, Integer> lastMention = new HashMap<>();
    Map<String, ObjectNode> named = new HashMap<>();
    for (int k = 0; k < events.size(); k++) {
      for (String field : List.of("msg", "reply")) {
        if (events.get(k).get(field) instanceof ObjectNode msg) {
          String key = key(msg);
          lastMention.put(key, k);
          named.putIfAbsent(key, msg);
        }
      }
    }
    TreeMap<Integer, List<String>> byLast = new TreeMap<>();
    lastMention.forEach((key, last) -> byLast.computeIfAbsent(last, l -> new ArrayList<>()).add(key));
    List<ObjectNode> out = new ArrayList<>(events.size() + events.size() / every + 1);
    for (int k = 0; k < events.size(); k++) {
      if (k > 0 && k % every == 0) {
        ArrayNode msgs = JSON.createArrayNode();
        for (List<String> keys : byLast.headMap(k).values()) {
          keys.stream().sorted().forEach(key -> msgs.add(matchable(named.get(key))));
        }
        byLast.headMap(k).clear();
        if (!msgs.isEmpty()) {
          ObjectNode drop = JSON.createObjectNode();
          drop.put(TraceFormat.EVENT, TraceFormat.DROP_UNRECEIVED);
          drop.set(TraceFormat.MSGS, msgs);
          out.add(drop);
        }
      }
      out.add(events.get(k));
    }
    return out;
  }

  /**
   * What TraceRaft tells a logged message by (TraceSpecMsgs): an InstallSnapshotRequest by its spec
   * fields but the ghost log, an InstallSnapshotResponse without nextOffset, a ReadIndexRequest or
   * ReadIndexResponse by its spec fields but the ghost start; any other message whole, as TLC
   * values compare (a record's fields in any order, a configuration's sets in any order).
   */
  static String key(ObjectNode msg) {
    List<String> fields = switch (msg.path("type").asText()) {
      case "InstallSnapshotRequest" -> List.of("type", "term", "from", "to", "snapshotIndex", "snapshotTerm", "done");
      case "InstallSnapshotResponse" -> List.of("type", "term", "from", "to", "snapshotIndex", "done");
      case "ReadIndexRequest" -> List.of("type", "term", "from", "to");
      case "ReadIndexResponse" -> List.of("type", "term", "from", "to", "index");
      default -> null;
    };
    if (fields == null) {
      return canonical(msg).toString();
    }
    StringBuilder key = new StringBuilder();
    for (String field : fields) {
      key.append(field).append('=').append(msg.path(field)).append(';');
    }
    return key.toString();
  }

  /**
   * The message as the drop line lists it: an InstallSnapshotRequest without its configuration, so
   * that TraceSpecMsgs matches it by the key's fields alone.
   */
  private static ObjectNode matchable(ObjectNode msg) {
    if (!msg.path("type").asText().equals("InstallSnapshotRequest")) {
      return msg; // written as it is, beside the line that mentions it
    }
    ObjectNode copy = msg.deepCopy();
    copy.remove(TraceFormat.CONFIG);
    return copy;
  }

  /** Object fields sorted by name, the arrays TLC reads as sets sorted, ctx as the string TLC reads. */
  private static JsonNode canonical(JsonNode node) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      node.fields().forEachRemaining(field -> sorted.put(field.getKey(),
          TraceFormat.SET_KEYS.contains(field.getKey()) ? sortedSet(field.getValue())
              : TraceFormat.NAME_KEYS.contains(field.getKey()) ? JSON.getNodeFactory().textNode(field.getValue().asText())
              : canonical(field.getValue())));
      ObjectNode out = JSON.createObjectNode();
      sorted.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      node.forEach(element -> out.add(canonical(element)));
      return out;
    }
    return node;
  }

  private static JsonNode sortedSet(JsonNode array) {
    Map<String, JsonNode> elements = new TreeMap<>();
    array.forEach(element -> {
      JsonNode canonical = canonical(element);
      elements.put(canonical.toString(), canonical);
    });
    ArrayNode out = JSON.createArrayNode();
    elements.values().forEach(out::add);
    return out;
  }
}
