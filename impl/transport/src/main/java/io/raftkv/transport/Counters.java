package io.raftkv.transport;

import java.util.concurrent.atomic.LongAdder;

/** The transport-wide counters behind {@link TransportStats}, updated from any thread. */
final class Counters {
    final LongAdder framesSent = new LongAdder();
    final LongAdder framesReceived = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder framesDroppedQueueFull = new LongAdder();
    final LongAdder framesDroppedOversized = new LongAdder();
    final LongAdder framesDroppedUnknownPeer = new LongAdder();
    final LongAdder framesDroppedClosed = new LongAdder();
    final LongAdder framesLostInFlight = new LongAdder();
    final LongAdder connectAttempts = new LongAdder();
    final LongAdder handshakesRefused = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();
    final LongAdder connectionsStalled = new LongAdder();
    final LongAdder inboundFailures = new LongAdder();
}
