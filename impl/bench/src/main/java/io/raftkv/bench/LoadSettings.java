package io.raftkv.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * One generator run: the workload, how many clients, closed loop ({@code rate} 0: each client sends
 * its next request when the previous one is answered) or open loop ({@code rate} operations per
 * second in total, on a fixed schedule, the clients being the pool that sends them), the size of
 * every written value, how many keys (drawn uniformly), the warm-up (run, not measured) and the
 * measured duration, the seed of every client's random source, and how long one operation may take.
 */
public record LoadSettings(Workload workload, int clients, long rate, int valueSize, int keys, Duration warmup,
        Duration duration, long seed, Duration operationTimeout) {
    public static final int CLIENTS_MAX = 4096;
    public static final int VALUE_SIZE_MAX = 1 << 20;

    public LoadSettings {
        require(clients >= 1 && clients <= CLIENTS_MAX, "--clients must be in 1.." + CLIENTS_MAX + ", got " + clients);
        require(rate >= 0 && rate <= OpenLoopSchedule.RATE_MAX, "--rate must be in 1.." + OpenLoopSchedule.RATE_MAX
                + " operations per second (or absent for a closed loop), got " + rate);
        require(valueSize >= 1 && valueSize <= VALUE_SIZE_MAX, "--value-size must be in 1.." + VALUE_SIZE_MAX
                + " bytes, got " + valueSize);
        require(keys >= 1, "--keys must be at least 1, got " + keys);
        require(!warmup.isNegative(), "--warmup must not be negative, got " + warmup);
        require(!duration.isNegative() && !duration.isZero(), "--duration must be positive, got " + duration);
        require(!operationTimeout.isNegative() && !operationTimeout.isZero(), "the operation timeout must be"
                + " positive, got " + operationTimeout);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public LoadSettings withClients(int count) {
        return new LoadSettings(workload, count, rate, valueSize, keys, warmup, duration, seed, operationTimeout);
    }

    public LoadSettings withWorkload(Workload other) {
        return new LoadSettings(other, clients, rate, valueSize, keys, warmup, duration, seed, operationTimeout);
    }

    /**
     * Parses a duration: {@code 10s}, {@code 500ms}, {@code 2m}, or a bare number of seconds; an
     * IllegalArgumentException naming the option otherwise.
     */
    public static Duration parseDuration(String option, String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        long scale;
        String digits;
        if (trimmed.endsWith("ms")) {
            scale = 1;
            digits = trimmed.substring(0, trimmed.length() - 2);
        } else if (trimmed.endsWith("s")) {
            scale = 1_000;
            digits = trimmed.substring(0, trimmed.length() - 1);
        } else if (trimmed.endsWith("m")) {
            scale = 60_000;
            digits = trimmed.substring(0, trimmed.length() - 1);
        } else {
            scale = 1_000;
            digits = trimmed;
        }
        try {
            long amount = Long.parseLong(digits.trim());
            if (amount >= 0 && amount <= Long.MAX_VALUE / scale / 1_000_000) {
                return Duration.ofMillis(amount * scale);
            }
        } catch (NumberFormatException notNumber) {
            // Falls through to the one message below.
        }
        throw new IllegalArgumentException(option + " expects a duration such as 10s, 500ms or 2m, got '" + text + "'");
    }
}
