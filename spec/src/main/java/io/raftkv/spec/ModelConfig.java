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
 * <p>Names: {@code quick} and {@code full} are {@code MCRaft.tla} with {@code MCRaftQuick.cfg} and
 * {@code MCRaftFull.cfg}; {@code mutant-<name>} is {@code mutants/Mutant<Name>.tla} with
 * {@code mutants/Mutant<Name>.cfg} ({@code mutant-forget-vote} = {@code MutantForgetVote}). A
 * mutant's cfg names the property TLC must find violated on a line {@code \* EXPECT <Property>}.
 *
 * @param name the configuration's name, e.g. {@code quick} or {@code mutant-figure8}
 * @param module the module TLC checks, without {@code .tla}
 * @param cfg the {@code .cfg} file's name
 * @param expectedViolation for a mutant, the invariant or property TLC must report violated
 */
public record ModelConfig(String name, String module, String cfg, Optional<String> expectedViolation) {

  private static final String MUTANT_PREFIX = "mutant-";
  private static final Pattern EXPECT = Pattern.compile("^\\\\\\*\\s*EXPECT\\s+(\\S+)\\s*$");

  /**
   * Resolves a configuration name against a staged spec directory (see {@link SpecFiles}).
   *
   * @throws IllegalArgumentException if the name is unknown or its files are missing
   */
  public static ModelConfig resolve(String name, Path dir) throws IOException {
    String module;
    String cfg;
    if (name.equals("quick") || name.equals("full")) {
      module = "MCRaft";
      cfg = "MCRaft" + camel(name) + ".cfg";
    } else if (name.startsWith(MUTANT_PREFIX) && name.length() > MUTANT_PREFIX.length()) {
      module = "Mutant" + camel(name.substring(MUTANT_PREFIX.length()));
      cfg = module + ".cfg";
    } else {
      throw new IllegalArgumentException(
          "unknown configuration '" + name + "': expected quick, full or one of " + mutantNames(dir));
    }
    if (!Files.isRegularFile(dir.resolve(module + ".tla")) || !Files.isRegularFile(dir.resolve(cfg))) {
      throw new IllegalArgumentException(
          "configuration '" + name + "' needs " + module + ".tla and " + cfg + " in " + dir
              + "; mutants there: " + mutantNames(dir));
    }
    return new ModelConfig(name, module, cfg, expectation(dir.resolve(cfg)));
  }

  /** The names of the mutant configurations in a staged spec directory, sorted. */
  public static List<String> mutantNames(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String fileName = file.getFileName().toString();
        if (fileName.startsWith("Mutant") && fileName.endsWith(".cfg")) {
          names.add(MUTANT_PREFIX + kebab(fileName.substring(6, fileName.length() - 4)));
        }
      }
    }
    return names;
  }

  private static Optional<String> expectation(Path cfg) throws IOException {
    for (String line : Files.readAllLines(cfg)) {
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
