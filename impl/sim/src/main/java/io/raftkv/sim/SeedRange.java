package io.raftkv.sim;

/** An inclusive range of seeds, written {@code A..B} or a single {@code N}. */
record SeedRange(long first, long last) {

  SeedRange {
    if (last < first) {
      throw new IllegalArgumentException("empty seed range " + first + ".." + last);
    }
  }

  static SeedRange parse(String text) {
    String trimmed = text.trim();
    int dots = trimmed.indexOf("..");
    try {
      if (dots < 0) {
        long seed = Long.parseLong(trimmed);
        return new SeedRange(seed, seed);
      }
      return new SeedRange(
          Long.parseLong(trimmed.substring(0, dots).trim()),
          Long.parseLong(trimmed.substring(dots + 2).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("seeds must look like 1..2000 or 42, not '" + text + "'");
    }
  }

  long count() {
    return last - first + 1;
  }
}
