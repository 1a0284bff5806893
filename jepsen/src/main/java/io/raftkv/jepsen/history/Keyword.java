package io.raftkv.jepsen.history;

/**
 * An EDN keyword ({@code :read}, {@code :x}) as a plain immutable value, so that nothing past the
 * reader depends on Clojure's runtime types.
 */
public record Keyword(String name) implements Comparable<Keyword> {
  public Keyword {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("empty keyword");
    }
  }

  public static Keyword of(String name) {
    return new Keyword(name);
  }

  @Override
  public int compareTo(Keyword other) {
    return name.compareTo(other.name);
  }

  @Override
  public String toString() {
    return ":" + name;
  }
}
