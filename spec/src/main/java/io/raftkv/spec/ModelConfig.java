package io.raftkv.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A named model-checking configuration: the TLA+ module TLC starts from and its {@code .cfg}.
 *
 * <p>Names: a bounded configuration of the real spec is {@code MCRaft.tla} with
 * {@code MCRaft<Name>.cfg} ({@code quick} = {@code MCRaftQuick.cfg}, {@code quick-prevote} =
 * {@code MCRaftQuickPrevote.cfg}, {@code full} = {@code MCRaftFull.cfg}); those whose name starts
 * with {@code quick} are the ones CI checks. {@code mutant-<name>} is {@code mutants/Mutant<Name>.tla} with
 * {@code mutants/Mutant<Name>.cfg} ({@code mutant-forget-vote} = {@code MutantForgetVote}). A
 * mutant's cfg names the property TLC must find violated on a line {@code \* EXPECT <Property>}.
 *
 * @param name the configuration's name, e.g. {@code quick} or {@code mutant-figure8}
 * @param module the module TLC checks, without {@code .tla}
 * @param cfg the {@code .cfg} file's name
 * @param expectedViolation for a mutant, the invariant or property TLC must report violated
 * @param requiredScenarios the MCRaft.tla scenarios the configuration must reach, from its
 *     {@code \* REACH <name> ...} lines (see {@link ScenarioReport})
 */
public record ModelConfig(
    String name, String module, String cfg, Optional<String> expectedViolation,
    List<String> requiredScenarios) {

  private static final String MUTANT_PREFIX = "mutant-";
  private static final Pattern EXPECT = Pattern.compile("^\\\\\\*\\s*EXPECT\\s+(\\S+)\\s*$");
  private static final Pattern REACH = Pattern.compile("^\\\\\\*\\s*REACH((?:\\s+\\w+)+)\\s*$");

  public ModelConfig {
    requiredScenarios = List.copyOf(requiredScenarios);
  }

  /**
   * Resolves a configuration name against a staged spec directory (see {@link SpecFiles}).
   *
   * @throws IllegalArgumentException if the name is unknown or its files are missing
   */
  public static ModelConfig resolve(String name, Path dir) throws IOException {
    String module;
    String cfg;
    if (name.startsWith(MUTANT_PREFIX) && name.length() > MUTANT_PREFIX.length()) {
      module = "Mutant" + camel(name.substring(MUTANT_PREFIX.length()));
      cfg = module + ".cfg";
    } else if (name.matches("[a-z0-9-]+")) {
      module = "MCRaft";
      cfg = "MCRaft" + camel(name) + ".cfg";
    } else {
      throw unknown(name, dir);
    }
    if (!Files.isRegularFile(dir.resolve(module + ".tla")) || !Files.isRegularFile(dir.resolve(cfg))) {
      if (module.equals("MCRaft")) {
        throw unknown(name, dir);
      }
      throw new IllegalArgumentException(
          "configuration '" + name + "' needs " + module + ".tla and " + cfg + " in " + dir
              + "; mutants there: " + mutantNames(dir));
    }
    List<String> lines = Files.readAllLines(dir.resolve(cfg));
    return new ModelConfig(name, module, cfg, expectation(lines), requiredScenarios(lines));
  }

  private static IllegalArgumentException unknown(String name, Path dir) throws IOException {
    return new IllegalArgumentException("unknown configuration '" + name + "': expected one of "
        + String.join(", ", configNames(dir)) + " or " + String.join(", ", mutantNames(dir)));
  }

  /**
   * The names of the bounded configurations of the real spec in a staged spec directory
   * ({@code MCRaft<Name>.cfg}), those CI checks ({@code quick...}) first, each group sorted.
   */
  public static List<String> configNames(Path dir) throws IOException {
    List<String> quick = new ArrayList<>();
    List<String> other = new ArrayList<>();
    for (String name : cfgNames(dir, "MCRaft")) {
      (name.startsWith("quick") ? quick : other).add(name);
    }
    quick.addAll(other);
    return quick;
  }

  /** The configurations CI checks: {@link #configNames} that start with {@code quick}. */
  public static List<String> ciConfigNames(Path dir) throws IOException {
    return configNames(dir).stream().filter(n -> n.startsWith("quick")).toList();
  }

  /** The names of the mutant configurations in a staged spec directory, sorted. */
  public static List<String> mutantNames(Path dir) throws IOException {
    return cfgNames(dir, "Mutant").stream().map(n -> MUTANT_PREFIX + n).toList();
  }

  /** {@code <prefix><Name>.cfg} files in {@code dir}, sorted, as kebab-case {@code <name>}s. */
  private static List<String> cfgNames(Path dir, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString())
          .filter(f -> f.startsWith(prefix) && f.endsWith(".cfg")
              && f.length() > prefix.length() + ".cfg".length())
          .sorted()
          .map(f -> kebab(f.substring(prefix.length(), f.length() - ".cfg".length())))
          .toList();
    }
  }

  private static List<String> requiredScenarios(List<String> cfgLines) {
    List<String> names = new ArrayList<>();
    for (String line : cfgLines) {
      Matcher m = REACH.matcher(line.strip());
      if (m.matches()) {
        names.addAll(List.of(m.group(1).strip().split("\\s+")));
      }
    }
    return names;
  }

  private static Optional<String> expectation(List<String> cfgLines) {
    for (String line : cfgLines) {
      Matcher m = EXPECT.matcher(line.strip());
      if (m.matches()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  /** {@code forget-vote} -> {@code ForgetVote}. */
  static String camel(String kebab) {
    StringBuilder out = new StringBuilder();
    for (String part : kebab.split("-")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.toString();
  }

  /** {@code ForgetVote} -> {@code forget-vote}; {@code Figure8} -> {@code figure8}. */
  static String kebab(String camel) {
    StringBuilder out = new StringBuilder();
    for (int k = 0; k < camel.length(); k++) {
      char c = camel.charAt(k);
      if (Character.isUpperCase(c)) {
        if (k > 0) {
          out.append('-');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
