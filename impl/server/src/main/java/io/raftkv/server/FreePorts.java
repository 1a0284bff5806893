package io.raftkv.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Free TCP ports on loopback addresses, so a local cluster (a benchmark's, a Jepsen run's, a test's)
 * never collides with one someone else started.
 */
public final class FreePorts {
    private FreePorts() {}

    /** The lowest port handed out. */
    static final int LOWEST = 10_000;
    /** Where Linux says which ports it picks for outgoing connections. */
    static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    /**
     * {@code count} ports {@code base, base+1, ...} that nothing listens on at 127.0.0.1..{@code hosts}
     * now (a later bind can still lose a race; the cluster then fails to start and says so). They lie
     * outside the kernel's ephemeral range, so an outgoing connection (a node's, a client's) cannot be
     * given one of them between this check and the node's bind.
     */
    public static int freeRun(int count, int hosts) {
        int[] range = candidates(count, ephemeralRange());
        SplittableRandom random = new SplittableRandom(System.nanoTime());
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = random.nextInt(range[0], range[1]);
            if (allFree(base, count, hosts)) {
                return base;
            }
        }
        throw new IllegalStateException("no run of " + count + " free ports on 127.0.0.1.." + hosts + " in "
                + range[0] + ".." + (range[1] + count - 1));
    }

    /**
     * Bases [from, to) for runs of {@code count} ports: below the ephemeral range {@code ephemeral}
     * (inclusive bounds), or above it if there is more room there; at least 1,000 bases either way.
     */
    static int[] candidates(int count, int[] ephemeral) {
        int below = ephemeral[0] - count - LOWEST;
        int above = 65_536 - count - (ephemeral[1] + 1);
        if (below >= 1_000 && below >= above) {
            return new int[] {LOWEST, ephemeral[0] - count};
        }
        if (above >= 1_000) {
            return new int[] {ephemeral[1] + 1, 65_536 - count};
        }
        throw new IllegalStateException("the ephemeral port range " + ephemeral[0] + ".." + ephemeral[1]
                + " leaves no room for listening ports between " + LOWEST + " and 65535 (" + EPHEMERAL_RANGE + ")");
    }

    /** The kernel's ephemeral range; Linux's default where it cannot be read. */
    static int[] ephemeralRange() {
        try {
            String[] bounds = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
            return new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])};
        } catch (IOException | RuntimeException unreadable) {
            return new int[] {32_768, 60_999};
        }
    }

    private static boolean allFree(int base, int count, int hosts) {
        for (int port = base; port < base + count; port++) {
            for (int host = 1; host <= hosts; host++) {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.setReuseAddress(true);
                    socket.bind(new InetSocketAddress("127.0.0." + host, port));
                } catch (IOException taken) {
                    return false;
                }
            }
        }
        return true;
    }
}
