/**
 * The replicated key-value state machine and its client sessions.
 *
 * <h2>What it stores</h2>
 * Byte-string keys and values. Each key carries a version, the index of the log entry that last
 * wrote it; the store carries a revision, the index of the last entry that changed any key.
 * Operations: get, put, delete, compare-and-set on the value and compare-and-set on the version
 * (version 0 = absent, so it doubles as create-if-absent). Commands and results travel in Raft log
 * entries in the compact binary form of {@link io.raftkv.kv.KvCodec}; the whole state snapshots to
 * bytes with a checksum ({@link io.raftkv.kv.KvStateMachine#snapshot()}).
 *
 * <h2>Exactly-once sessions (thesis §6.3)</h2>
 * <ul>
 *   <li>A client opens a session by appending {@code Register}; its client id is the index of that
 *       entry, unique without coordination. A request naming an id with no live session is refused
 *       ({@code UNKNOWN_SESSION}) and not applied: the store cannot tell whether an earlier copy
 *       was applied before the session was lost, so it must not guess; the client registers again
 *       and treats its outstanding requests as of unknown outcome.</li>
 *   <li>A request carries a sequence number. The first copy to be applied is executed and its
 *       result cached in the session; every later copy returns that cached result and changes
 *       nothing. Copies may arrive in any order: results are cached per sequence, not only the
 *       latest.</li>
 *   <li>A request also carries {@code acknowledgedThrough}: the client has the results of all
 *       sequences up to it, and the session drops them. A sequence at or below it is refused
 *       ({@code STALE_SEQUENCE}) rather than executed again. A session caches at most
 *       {@code maxPendingResultsPerSession} results; beyond that a new request is refused
 *       ({@code TOO_MANY_PENDING}) until the client acknowledges.</li>
 *   <li>Expiry is decided by the log: each command carries the appending leader's time, the store
 *       keeps the maximum stamp seen (log time, which never goes back), and before executing each
 *       command it expires every session unused for more than {@code sessionTimeoutMillis} of log
 *       time. Registering beyond {@code maxSessions} evicts the least recently used session. No
 *       replica reads a clock, so all expire the same sessions at the same index.</li>
 * </ul>
 *
 * <h2>Determinism</h2>
 * Like the core, this package reads no clock, starts no thread, does no IO, uses no unseeded
 * randomness and iterates only ordered collections (impl/cli's PurityTest scans it), because it runs inside
 * the simulator and on every replica, which must agree byte for byte.
 */
package io.raftkv.kv;
