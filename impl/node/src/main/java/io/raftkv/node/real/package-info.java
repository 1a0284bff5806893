/**
 * Real implementations of the node loop's interfaces: {@link io.raftkv.node.real.WalLogStore} (the
 * write-ahead log on real files, one writer thread, group commit), {@link io.raftkv.node.real.NodeRunner}
 * (the one thread that owns a node loop, fed by a bounded input queue and a wall-clock tick), and for
 * tests an in-JVM {@link io.raftkv.node.real.LocalNetwork} and a
 * {@link io.raftkv.node.real.RecordingStateMachine}.
 */
package io.raftkv.node.real;
