package io.raftkv.jepsen.model;

import java.util.List;
import java.util.Map;

/** Builds models by name, as the command line and manifests name them. */
public final class Models {
  public static final List<String> NAMES = List.of("cas-register", "register", "multi-register", "mutex", "kv");

  private Models() {}

  /**
   * @param name one of {@link #NAMES}
   * @param initial the initial value, or null for the model's default (0 for the registers,
   *     {@code {x 0, y 0}} for multi-register, unlocked for mutex, nil = absent for kv)
   * @param initialGiven whether {@code initial} was given (so an explicit nil can be told apart)
   * @param nilReadWildcard Knossos's rule that an ok read of nil matches any state
   */
  public static Model create(String name, Object initial, boolean initialGiven, boolean nilReadWildcard) {
    return switch (name) {
      case "cas-register" -> new RegisterModel(true, initialGiven ? initial : (Object) 0L, nilReadWildcard);
      case "register" -> new RegisterModel(false, initialGiven ? initial : (Object) 0L, nilReadWildcard);
      case "multi-register" -> {
        Object init = initialGiven ? initial : Map.of("x", 0L, "y", 0L);
        if (!(init instanceof Map<?, ?> map)) {
          throw new IllegalArgumentException("multi-register needs a map as its initial value, got " + init);
        }
        yield new MultiRegisterModel(map, nilReadWildcard);
      }
      case "mutex" -> {
        if (initialGiven && !(initial instanceof Boolean)) {
          throw new IllegalArgumentException("mutex's initial value is true (held) or false (free), got " + initial);
        }
        yield new MutexModel(initialGiven && (Boolean) initial);
      }
      case "kv" -> new KvModel(initialGiven ? initial : null, nilReadWildcard);
      default -> throw new IllegalArgumentException("unknown model " + name + "; one of " + NAMES);
    };
  }
}
