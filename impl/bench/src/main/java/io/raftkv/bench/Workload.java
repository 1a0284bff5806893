package io.raftkv.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the generator asks for: one kind of operation ({@code put}, {@code get}, {@code cas}) or a
 * weighted mix ({@code mix:put=50,get=50}). Each client draws its next operation from its own seeded
 * random source, so a run's sequence of operations per client is fixed by the seed.
 *
 * @param weights positive weight per operation, in {@link Operation} order
 */
public record Workload(Map<Operation, Integer> weights) {

    /** The operations: a write, a linearizable read, and a compare-and-set whose comparison holds. */
    public enum Operation {
        PUT, GET, CAS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Workload {
        EnumMap<Operation, Integer> copy = new EnumMap<>(Operation.class);
        weights.forEach((operation, weight) -> {
            if (weight <= 0) {
                throw new IllegalArgumentException("the weight of " + operation.label() + " must be positive, got "
                        + weight);
            }
            copy.put(operation, weight);
        });
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("a workload needs at least one operation");
        }
        weights = java.util.Collections.unmodifiableMap(copy);
    }

    public static Workload only(Operation operation) {
        return new Workload(Map.of(operation, 1));
    }

    /**
     * Parses {@code put}, {@code get}, {@code cas} or {@code mix:OP=W,...} (weights are positive
     * integers, each operation at most once); an IllegalArgumentException with one line otherwise.
     */
    public static Workload parse(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (!trimmed.startsWith("mix:")) {
            return only(operation(trimmed, text));
        }
        EnumMap<Operation, Integer> weights = new EnumMap<>(Operation.class);
        for (String part : trimmed.substring("mix:".length()).split(",", -1)) {
            int equals = part.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("expected OP=WEIGHT in the mix, got '" + part + "' in '" + text
                        + "' (e.g. mix:put=50,get=50)");
            }
            Operation operation = operation(part.substring(0, equals).trim(), text);
            if (weights.put(operation, weight(part.substring(equals + 1).trim(), text)) != null) {
                throw new IllegalArgumentException(operation.label() + " appears twice in the mix '" + text + "'");
            }
        }
        return new Workload(weights);
    }

    private static Operation operation(String name, String text) {
        for (Operation operation : Operation.values()) {
            if (operation.label().equals(name)) {
                return operation;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + name + "' in workload '" + text
                + "'; expected put, get, cas or mix:put=W,get=W,cas=W");
    }

    private static int weight(String text, String workload) {
        try {
            int weight = Integer.parseInt(text);
            if (weight > 0) {
                return weight;
            }
        } catch (NumberFormatException notNumber) {
            // Falls through to the one message below.
        }
        throw new IllegalArgumentException("a weight must be a positive integer, got '" + text + "' in '" + workload
                + "'");
    }

    /** The next operation, drawn with probability proportional to its weight. */
    public Operation choose(SplittableRandom random) {
        if (weights.size() == 1) {
            return weights.keySet().iterator().next();
        }
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        int draw = random.nextInt(total);
        for (Map.Entry<Operation, Integer> entry : weights.entrySet()) {
            draw -= entry.getValue();
            if (draw < 0) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException("weights sum to " + total + " yet the draw fell past them");
    }

    /** Whether keys must hold a value before the run (reads and comparisons expect one). */
    public boolean needsPrefill() {
        return weights.containsKey(Operation.GET) || weights.containsKey(Operation.CAS);
    }

    /** {@code put}, or {@code mix:put=50,get=50}: what {@link #parse} reads back. */
    public String label() {
        if (weights.size() == 1) {
            return weights.keySet().iterator().next().label();
        }
        List<String> parts = new ArrayList<>();
        weights.forEach((operation, weight) -> parts.add(operation.label() + "=" + weight));
        return "mix:" + String.join(",", parts);
    }
}
