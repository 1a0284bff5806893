package io.raftkv.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.SplittableRandom;

/**
 * Free TCP ports on loopback addresses, so a local cluster (a benchmark's, a Jepsen run's, a test's)
 * never collides with one someone else started.
 */
public final class FreePorts {
    private FreePorts() {}

    /**
     * {@code count} ports {@code base, base+1, ...} that nothing listens on at 127.0.0.1..{@code hosts}
     * now (a later bind can still lose a race; the cluster then fails to start and says so).
     */
    public static int freeRun(int count, int hosts) {
        SplittableRandom random = new SplittableRandom(System.nanoTime());
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = random.nextInt(20_000, 60_000 - count);
            if (allFree(base, count, hosts)) {
                return base;
            }
        }
        throw new IllegalStateException("no run of " + count + " free ports on 127.0.0.1.." + hosts);
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
