package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks over the whole tree (STYLE.md habit 15, as TigerBeetle's tidy scans its tree): every
 * method of every module's main sources is at most {@value #MAX_METHOD_LINES} lines, so that one
 * dispatcher owns the branching and handlers stay flat. It lives in the CLI module only because
 * that module sits at the bottom of the dependency graph; it reads the source files of every
 * module from the repository root.
 *
 * <p>Method bodies are found by brace matching on the source with comments and literals blanked,
 * so indentation style does not matter. Methods that were already longer when the ratchet was
 * extended to the whole tree are listed in {@link #GRANDFATHERED} with their length then: they may
 * shrink, never grow, and an entry that no longer applies fails the test (the list only shrinks).
 * The purity scan of the deterministic packages ({@link PurityTest}) uses the same comment and
 * literal blanking.
 */
class TreeTidyTest {
  static final int MAX_METHOD_LINES = 50;

  /** "file:method" -> its length when the ratchet was extended to the whole tree. */
  static final TreeMap<String, Integer> GRANDFATHERED = new TreeMap<>();

  static {
    GRANDFATHERED.put("TimelineHtml.java:render", 156);
  }

  private static final List<String> NOT_METHODS = List.of("if", "for", "while", "switch", "catch", "synchronized",
      "return", "new", "else", "try");

  @Test
  void noMethodInTheTreeIsLongerThanTheLimit() throws IOException {
    Path root = repositoryRoot();
    List<String> tooLong = new ArrayList<>();
    TreeMap<String, Integer> seenGrandfathered = new TreeMap<>();
    int methods = 0;
    for (Path file : mainSources(root)) {
      String code = stripCommentsAndStrings(Files.readString(file, StandardCharsets.UTF_8));
      for (int[] method : methods(code)) {
        methods++;
        int lines = method[1];
        String name = file.getFileName() + ":" + code.substring(method[2], method[3]);
        if (lines <= MAX_METHOD_LINES) {
          continue;
        }
        Integer allowed = GRANDFATHERED.get(name);
        if (allowed != null && lines <= allowed) {
          seenGrandfathered.put(name, lines);
        } else {
          tooLong.add(root.relativize(file) + ":" + method[0] + " " + name + " has " + lines + " lines");
        }
      }
    }
    assertTrue(methods > 500, "the scan should see the tree's methods, saw " + methods + " under " + root);
    assertEquals(List.of(), tooLong, "methods over " + MAX_METHOD_LINES + " lines");
    assertEquals(GRANDFATHERED.keySet(), seenGrandfathered.keySet(),
        "grandfathered methods that are now short enough (or gone): remove them from the list");
  }

  @Test
  void theScannerMeasuresMethodsByTheirBraces() {
    String sample = String.join("\n",
        "class A {",
        "    void small() {",
        "        if (x) { y(); }",
        "        String s = \"} not a brace {\";",
        "    }",
        "  public static <T> List<T> other(int a,",
        "      int b) throws IOException {",
        "    // } a comment brace",
        "    return null;",
        "  }",
        "}");
    List<int[]> found = methods(stripCommentsAndStrings(sample));
    assertEquals(2, found.size());
    assertEquals(4, found.get(0)[1], "small() spans lines 2..5");
    assertEquals(5, found.get(1)[1], "other() spans lines 6..10");
  }

  /**
   * Each method or constructor as {first line, line count, name start, name end} in {@code code}:
   * a '{' preceded by a parameter list (optionally a throws clause) whose name is no keyword and
   * whose declaration is no expression (no '=', 'new' or '->' since the previous statement) and no
   * type (a record's header looks like a method's; its body is scanned for methods instead).
   * Bodies nested in a method (lambdas, local classes) count as part of it.
   */
  static List<int[]> methods(String code) {
    List<int[]> found = new ArrayList<>();
    int[] lineStarts = lineStarts(code);
    for (int open = code.indexOf('{'); open >= 0; open = code.indexOf('{', open + 1)) {
      int[] name = declaredName(code, open);
      if (name == null) {
        continue;
      }
      int close = matchingBrace(code, open);
      if (close < 0) {
        break;
      }
      int firstLine = lineOf(lineStarts, name[0]);
      found.add(new int[] {firstLine, lineOf(lineStarts, close) - firstLine + 1, name[0], name[1]});
      open = close;
    }
    return found;
  }

  /** The start and end of the name declared by the header ending at {@code open}, or null. */
  private static int[] declaredName(String code, int open) {
    int k = open - 1;
    while (k >= 0 && Character.isWhitespace(code.charAt(k))) {
      k--;
    }
    int throwsAt = code.lastIndexOf("throws", k);
    int statementStart = Math.max(code.lastIndexOf(';', k), Math.max(code.lastIndexOf('{', k), code.lastIndexOf('}', k)));
    if (throwsAt > statementStart && code.substring(throwsAt, k + 1).indexOf(')') < 0) {
      k = throwsAt - 1;
      while (k >= 0 && Character.isWhitespace(code.charAt(k))) {
        k--;
      }
    }
    if (k < 0 || code.charAt(k) != ')') {
      return null;
    }
    int depth = 0;
    for (; k >= 0; k--) {
      char c = code.charAt(k);
      depth += c == ')' ? 1 : c == '(' ? -1 : 0;
      if (depth == 0) {
        break;
      }
    }
    int end = k;
    while (end > 0 && Character.isWhitespace(code.charAt(end - 1))) {
      end--;
    }
    int begin = end;
    while (begin > 0 && Character.isJavaIdentifierPart(code.charAt(begin - 1))) {
      begin--;
    }
    int headerStart = Math.max(code.lastIndexOf(';', begin), Math.max(code.lastIndexOf('{', begin),
        code.lastIndexOf('}', begin))) + 1;
    String header = code.substring(Math.min(headerStart, begin), begin);
    if (begin == end || NOT_METHODS.contains(code.substring(begin, end)) || header.contains("=")
        || header.contains("->") || header.matches("(?s).*\\bnew\\b.*") || header.isBlank()
        || header.matches("(?s).*\\b(record|class|interface|enum)\\b.*")) {
      return null;
    }
    return new int[] {begin, end};
  }

  private static int matchingBrace(String code, int open) {
    int depth = 0;
    for (int k = open; k < code.length(); k++) {
      char c = code.charAt(k);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return k;
      }
    }
    return -1;
  }

  private static int[] lineStarts(String code) {
    List<Integer> starts = new ArrayList<>(List.of(0));
    for (int k = 0; k < code.length(); k++) {
      if (code.charAt(k) == '\n') {
        starts.add(k + 1);
      }
    }
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }

  /** 1-based line of {@code offset}. */
  private static int lineOf(int[] lineStarts, int offset) {
    int found = java.util.Arrays.binarySearch(lineStarts, offset);
    return found >= 0 ? found + 1 : -found - 1;
  }

  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !(Files.isDirectory(dir.resolve("spec")) && Files.isDirectory(dir.resolve("impl")))) {
      dir = dir.getParent();
    }
    assertTrue(dir != null, "no repository root (a directory with spec/ and impl/) above " + Path.of("").toAbsolutePath());
    return dir;
  }

  static List<Path> mainSources(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/main/java/"))
          .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
          .sorted()
          .toList();
    }
  }

  /** Blanks out comments and string/char literals (text blocks too), keeping line breaks. */
  static String stripCommentsAndStrings(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int k = 0;
    while (k < source.length()) {
      char c = source.charAt(k);
      if (source.startsWith("//", k)) {
        while (k < source.length() && source.charAt(k) != '\n') {
          k++;
        }
      } else if (source.startsWith("/*", k) || source.startsWith("\"\"\"", k)) {
        String end = source.startsWith("/*", k) ? "*/" : "\"\"\"";
        int stop = source.indexOf(end, k + (end.equals("*/") ? 2 : 3));
        stop = stop < 0 ? source.length() : stop + end.length();
        for (; k < stop; k++) {
          out.append(source.charAt(k) == '\n' ? '\n' : ' ');
        }
      } else if (c == '"' || c == '\'') {
        out.append(c);
        k++;
        while (k < source.length() && source.charAt(k) != c && source.charAt(k) != '\n') {
          k += source.charAt(k) == '\\' ? 2 : 1;
        }
        out.append(c);
        k++;
      } else {
        out.append(c);
        k++;
      }
    }
    return out.toString();
  }
}
