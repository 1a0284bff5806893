package io.raftkv.tracecheck;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import tlc2.value.impl.BoolValue;
import tlc2.value.impl.IntValue;
import tlc2.value.impl.RecordValue;
import tlc2.value.impl.SetEnumValue;
import tlc2.value.impl.StringValue;
import tlc2.value.impl.TupleValue;
import tlc2.value.impl.Value;
import util.UniqueString;

/**
 * Builds TLC values from trace lines, for traces given to TLC through the Java override: objects
 * are records, arrays tuples, except the arrays under the keys of {@link TraceFormat#SET_KEYS} (a
 * configuration's server sets), which are sets. {@link TlaText} writes the same values as text.
 */
final class TlaValues {

  private TlaValues() {}

  static Value tuple(List<? extends JsonNode> lines) {
    Value[] elements = new Value[lines.size()];
    for (int k = 0; k < elements.length; k++) {
      elements[k] = of(lines.get(k));
    }
    return new TupleValue(elements);
  }

  static Value of(JsonNode value) {
    return switch (value.getNodeType()) {
      case OBJECT -> {
        int size = value.size();
        if (size == 0) {
          throw new IllegalArgumentException("an empty JSON object has no TLA+ record counterpart");
        }
        UniqueString[] names = new UniqueString[size];
        Value[] values = new Value[size];
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        for (int k = 0; fields.hasNext(); k++) {
          Map.Entry<String, JsonNode> field = fields.next();
          names[k] = UniqueString.uniqueStringOf(field.getKey());
          values[k] = TraceFormat.SET_KEYS.contains(field.getKey()) ? set(field.getValue())
              : TraceFormat.NAME_KEYS.contains(field.getKey()) ? new StringValue(field.getValue().asText())
              : of(field.getValue());
        }
        yield new RecordValue(names, values, false);
      }
      case ARRAY -> {
        Value[] elements = new Value[value.size()];
        for (int k = 0; k < elements.length; k++) {
          elements[k] = of(value.get(k));
        }
        yield new TupleValue(elements);
      }
      case NUMBER -> {
        if (!value.canConvertToInt() || value.isFloatingPointNumber()) {
          throw new IllegalArgumentException("not a TLC integer (32 bits): " + value);
        }
        yield IntValue.gen(value.asInt());
      }
      case BOOLEAN -> value.asBoolean() ? BoolValue.ValTrue : BoolValue.ValFalse;
      case STRING -> new StringValue(value.asText());
      default -> throw new IllegalArgumentException("no TLA+ counterpart for JSON " + value.getNodeType() + ": " + value);
    };
  }

  /** A JSON array as a TLA+ set (normalized: TLC compares sets by their sorted elements). */
  static Value set(JsonNode array) {
    if (!array.isArray()) {
      throw new IllegalArgumentException("a set must be a JSON array, got " + array);
    }
    Value[] elements = new Value[array.size()];
    for (int k = 0; k < elements.length; k++) {
      elements[k] = of(array.get(k));
    }
    return new SetEnumValue(elements, false).normalize();
  }
}
