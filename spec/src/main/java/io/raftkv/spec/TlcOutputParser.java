package io.raftkv.spec;

import io.raftkv.spec.TlcResult.Message;
import io.raftkv.spec.TlcResult.TraceState;
import io.raftkv.spec.TlcResult.Violation;
import io.raftkv.spec.TlcResult.ViolationKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses TLC's {@code -tool} output line by line. In that mode every TLC message is framed by
 * {@code @!@!@STARTMSG code:severity @!@!@} and {@code @!@!@ENDMSG code @!@!@}; lines outside a
 * frame are the spec's own output ({@code Print}) or the parser's (SANY) chatter.
 */
final class TlcOutputParser {

  /** Code given to a line printed outside any message frame. */
  static final int PLAIN_LINE = -1;

  // Message codes from tlc2.output.EC (TLC 2.18).
  static final int GENERAL = 1000;
  static final int INVARIANT_VIOLATED_INITIAL = 2107;
  static final int INVARIANT_VIOLATED_BEHAVIOR = 2110;
  static final int ACTION_PROPERTY_VIOLATED_BEHAVIOR = 2112;
  static final int DEADLOCK_REACHED = 2114;
  static final int TEMPORAL_PROPERTY_VIOLATED = 2116;
  static final int BEHAVIOR_UP_TO_THIS_POINT = 2121;
  static final int BACK_TO_STATE = 2122;
  static final int NESTED_EXPRESSIONS = 2103;
  static final int SEARCH_DEPTH = 2194;
  static final int STATS = 2199;
  static final int PROGRESS_STATS = 2200;
  static final int STATE_PRINT2 = 2217;
  static final int STATE_PRINT3 = 2218;

  private static final int SEVERITY_ERROR = 1;
  private static final int SEVERITY_TLC_BUG = 2;
  /** Error-severity messages that accompany an error rather than report one. */
  private static final Set<Integer> NOT_AN_ERROR = Set.of(BEHAVIOR_UP_TO_THIS_POINT, NESTED_EXPRESSIONS);

  private static final Pattern START = Pattern.compile("^@!@!@STARTMSG (\\d+):(\\d+) @!@!@$");
  private static final Pattern END = Pattern.compile("^@!@!@ENDMSG (\\d+) @!@!@$");
  private static final Pattern STATS_TEXT =
      Pattern.compile("^([\\d,]+) states generated, ([\\d,]+) distinct states found");
  private static final Pattern DEPTH_TEXT = Pattern.compile("search is (\\d+)");
  private static final Pattern VIOLATED_NAME =
      Pattern.compile("^(?:Invariant|Action property|Temporal property) (\\S+) is violated");
  private static final Pattern STATE_HEADER = Pattern.compile("^(\\d+): (.*)$");

  private final Consumer<Message> listener;
  private final List<Message> messages = new ArrayList<>();
  private final List<String> userOutput = new ArrayList<>();
  private final List<TraceState> trace = new ArrayList<>();
  private Violation violation;
  private long statesGenerated = -1;
  private long distinctStates = -1;
  private int depth = -1;

  private Integer openCode;
  private int openSeverity;
  private final StringBuilder openText = new StringBuilder();

  TlcOutputParser(Consumer<Message> listener) {
    this.listener = listener;
  }

  /** Feeds one line of TLC's output (without its line terminator). */
  void accept(String line) {
    if (openCode == null) {
      Matcher start = START.matcher(line);
      if (start.matches()) {
        openCode = Integer.parseInt(start.group(1));
        openSeverity = Integer.parseInt(start.group(2));
        openText.setLength(0);
      } else {
        plainLine(line);
      }
      return;
    }
    Matcher end = END.matcher(line);
    if (end.matches()) {
      String text = openText.toString().stripTrailing();
      Message message = new Message(openCode, openSeverity, text);
      openCode = null;
      message(message);
    } else {
      if (!openText.isEmpty()) {
        openText.append('\n');
      }
      openText.append(line);
    }
  }

  private void plainLine(String line) {
    if (line.startsWith("Parsing file ") || line.startsWith("Semantic processing of module ")) {
      return;
    }
    userOutput.add(line);
    listener.accept(new Message(PLAIN_LINE, 0, line));
  }

  private void message(Message message) {
    messages.add(message);
    switch (message.code()) {
      case STATS -> {
        Matcher m = STATS_TEXT.matcher(message.text());
        if (m.find()) {
          statesGenerated = parseCount(m.group(1));
          distinctStates = parseCount(m.group(2));
        }
      }
      case SEARCH_DEPTH -> {
        Matcher m = DEPTH_TEXT.matcher(message.text());
        if (m.find()) {
          depth = Integer.parseInt(m.group(1));
        }
      }
      case STATE_PRINT2, STATE_PRINT3, BACK_TO_STATE -> trace.add(parseState(message.text()));
      default -> noteError(message);
    }
    listener.accept(message);
  }

  private void noteError(Message message) {
    boolean error = message.severity() == SEVERITY_ERROR || message.severity() == SEVERITY_TLC_BUG;
    if (violation != null || !error || NOT_AN_ERROR.contains(message.code())) {
      return;
    }
    ViolationKind kind = switch (message.code()) {
      case INVARIANT_VIOLATED_INITIAL -> ViolationKind.INVARIANT_INITIAL;
      case INVARIANT_VIOLATED_BEHAVIOR -> ViolationKind.INVARIANT;
      case ACTION_PROPERTY_VIOLATED_BEHAVIOR -> ViolationKind.ACTION_PROPERTY;
      case TEMPORAL_PROPERTY_VIOLATED -> ViolationKind.TEMPORAL_PROPERTY;
      case DEADLOCK_REACHED -> ViolationKind.DEADLOCK;
      default -> ViolationKind.ERROR;
    };
    Matcher name = VIOLATED_NAME.matcher(message.text());
    Optional<String> property = name.find() ? Optional.of(name.group(1)) : Optional.empty();
    violation = new Violation(kind, property, message.code(), message.text());
  }

  /**
   * Parses a state of an error trace: a header {@code "N: <Action ...>"} then either
   * {@code "/\ var = value"} conjuncts (values may continue on indented lines) or, for a spec with
   * one variable, a single {@code "var = value"}.
   */
  static TraceState parseState(String text) {
    String[] lines = text.split("\n", -1);
    Matcher header = STATE_HEADER.matcher(lines[0]);
    int number = 0;
    String action = lines[0];
    if (header.matches()) {
      number = Integer.parseInt(header.group(1));
      action = header.group(2);
      if (action.startsWith("<") && action.endsWith(">")) {
        action = action.substring(1, action.length() - 1);
      }
    }
    Map<String, String> variables = new LinkedHashMap<>();
    String name = null;
    StringBuilder value = new StringBuilder();
    for (int k = 1; k < lines.length; k++) {
      String line = lines[k];
      String conjunct = line.startsWith("/\\ ") ? line.substring(3) : (name == null ? line : null);
      int eq = conjunct == null ? -1 : conjunct.indexOf(" = ");
      if (eq > 0) {
        if (name != null) {
          variables.put(name, value.toString().stripTrailing());
        }
        name = conjunct.substring(0, eq).strip();
        value.setLength(0);
        value.append(conjunct.substring(eq + 3));
      } else if (name != null && !line.isBlank()) {
        value.append('\n').append(line);
      }
    }
    if (name != null) {
      variables.put(name, value.toString().stripTrailing());
    }
    return new TraceState(number, action, variables);
  }

  private static long parseCount(String digits) {
    return Long.parseLong(digits.replace(",", ""));
  }

  TlcResult result(int exitCode, Duration elapsed) {
    return new TlcResult(
        exitCode,
        statesGenerated,
        distinctStates,
        depth,
        Optional.ofNullable(violation),
        trace,
        userOutput,
        messages,
        elapsed);
  }
}
