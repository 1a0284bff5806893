package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Listening ports are chosen free and outside the kernel's range for outgoing connections. */
class FreePortsTest {

    @Test
    void runsLieBelowTheEphemeralRangeOrAboveItWhenThereIsMoreRoomThere() {
        assertArrayEquals(new int[] {10_000, 32_766}, FreePorts.candidates(2, new int[] {32_768, 60_999}));
        assertArrayEquals(new int[] {40_001, 65_533}, FreePorts.candidates(3, new int[] {10_500, 40_000}));
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> FreePorts.candidates(1, new int[] {1_024, 65_000}));
        assertTrue(none.getMessage().startsWith("the ephemeral port range 1024..65000 leaves no room"),
                none.getMessage());
    }

    @Test
    void aRunIsFreeOnEveryHostAndOutsideThisMachinesEphemeralRange() throws IOException {
        int[] ephemeral = FreePorts.ephemeralRange();
        int base = FreePorts.freeRun(2, 3);
        for (int port = base; port < base + 2; port++) {
            assertTrue(port >= FreePorts.LOWEST && (port < ephemeral[0] || port > ephemeral[1]),
                    port + " against " + ephemeral[0] + ".." + ephemeral[1]);
            for (int host = 1; host <= 3; host++) {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(new InetSocketAddress("127.0.0." + host, port));
                    assertEquals(port, socket.getLocalPort());
                }
            }
        }
    }
}
