package io.raftkv.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every bound is validated once, with a message that names it. */
class TransportConfigTest {

    @Test
    void theDefaultsAreValidAndLeaveRoomForTheCoresLargestAppend() {
        TransportConfig config = TransportConfig.defaults("prod");
        long coreMaxMessageBytes = io.raftkv.core.Config.ofSize(3).maxMessageBytes();
        assertTrue(config.frameBytesMax() > 2 * coreMaxMessageBytes);
        assertTrue(config.bulkQueueBytesMax() >= config.frameBytesMax());
    }

    @Test
    void invalidValuesAreRefusedByName() {
        TransportConfig config = TransportConfig.defaults("prod");
        assertMessage("clusterId must be 1..255 bytes", () -> TransportConfig.defaults(""));
        assertMessage("clusterId must be 1..255 bytes", () -> TransportConfig.defaults("x".repeat(256)));
        assertMessage("frameBytesMax must be in [1024", () -> config.withFrameBytesMax(100));
        assertMessage("frameBytesMax must be in [1024", () -> config.withFrameBytesMax(Integer.MAX_VALUE));
        assertMessage("controlQueueMessagesMax", () -> config.withQueueLimits(0, 1, 1));
        assertMessage("bulkQueueMessagesMax", () -> config.withQueueLimits(1, 0, 1));
        assertMessage("bulkQueueBytesMax", () -> config.withQueueLimits(1, 1, 0));
        assertMessage("inFlightBytesMax", () -> config.withInFlightBytesMax(1));
        assertMessage("connectTimeoutMillis", () -> config.withTimeouts(0, 1, 1));
        assertMessage("handshakeTimeoutMillis", () -> config.withTimeouts(1, 0, 1));
        assertMessage("stallTimeoutMillis", () -> config.withTimeouts(1, 1, 0));
        assertMessage("reconnect backoff", () -> config.withReconnectBackoffMillis(100, 10));
        assertMessage("inboundConnectionsMax", () -> config.withInboundConnectionsMax(0));
        assertMessage("ioThreads", () -> config.withIoThreads(0));
    }

    private static void assertMessage(String fragment, Runnable construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void withersChangeOnlyTheirField() {
        TransportConfig config = TransportConfig.defaults("prod").withSeed(9).withIoThreads(1);
        assertEquals(9, config.seed());
        assertEquals(1, config.ioThreads());
        assertEquals(TransportConfig.defaults("prod").frameBytesMax(), config.frameBytesMax());
    }
}
