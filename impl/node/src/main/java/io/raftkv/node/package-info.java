/**
 * The node loop: the code between the Raft core and the world, written once against small
 * interfaces ({@link io.raftkv.node.LogStore}, {@link io.raftkv.node.Transport},
 * {@link io.raftkv.node.StateMachine}) so that the simulator and the server run the same
 * {@link io.raftkv.node.NodeLoop}. This package is as pure as the core: no threads, clocks, IO or
 * unseeded randomness (impl/cli's PurityTest). The real implementations, the only code of this module with
 * threads and files, are in {@code io.raftkv.node.real}.
 */
package io.raftkv.node;
