/**
 * Peer networking: Raft messages between cluster members over Netty TCP.
 *
 * <h2>Connections</h2>
 * Node N listens on its own address and dials each peer from that same address (port 0), so on one
 * machine node N is 127.0.0.N in both directions and a kernel filter on source and destination
 * addresses cuts exactly one link. Each direction of a link is a separate connection, opened by the
 * sender: a node sends only on connections it dialed and receives only on connections it accepted.
 * <ol>
 *   <li>The dialer sends a HELLO (its node id, the cluster id, its protocol version).</li>
 *   <li>The acceptor checks it (magic, version, cluster id, a member other than itself) and answers
 *       with its own HELLO, or with a REJECT that says why, and closes; either way it logs one
 *       line.</li>
 *   <li>The dialer checks the answer (version, cluster id, and that the node answering is the one it
 *       meant to reach), or logs the REJECT's reason; on a mismatch it sends a REJECT and closes.</li>
 *   <li>The dialer then sends message frames; the acceptor sends nothing more.</li>
 * </ol>
 * Before the handshake completes, a frame may not exceed 1024 bytes, and a connection that has not
 * completed it within handshakeTimeoutMillis is closed.
 *
 * <h2>Frames</h2>
 * All multi-byte fixed-width integers are big-endian. "varint" is unsigned LEB128 (7 bits per byte,
 * low group first, canonical form only); ints are encoded as their unsigned 32-bit value.
 * <pre>
 * frame    := u32 length            payload bytes that follow; 2 &lt;= length &lt;= frameBytesMax
 *             u8  version           5 (see Protocol.VERSION; a peer of another version is refused at
 *                                   the handshake with both versions named)
 *             u8  type
 *             ... body
 *
 * HELLO  0x01 (layout frozen across versions)
 *             u32 magic             0x524B5654 "RKVT"
 *             u32 nodeId            the sender's node id
 *             u8  clusterIdLength   1..255
 *             ... clusterId         UTF-8
 * REJECT 0x02 (layout frozen across versions)
 *             u16 reasonLength
 *             ... reason            UTF-8, at most 300 characters
 *
 * message frames: varint lamport, then the message's fields in this order
 * 0x10 RequestVoteRequest     from, to, term, u8 prevote, lastLogIndex, lastLogTerm, u8 transfer
 * 0x11 RequestVoteResponse    from, to, term, u8 prevote, u8 voteGranted
 * 0x12 AppendEntriesRequest   from, to, term, prevLogIndex, prevLogTerm, commitIndex,
 *                             count, count x entry, readId
 *        entry                index, term, u8 type (0 NOOP, 1 COMMAND, 2 CONFIG), dataLength, data
 * 0x13 AppendEntriesResponse  from, to, term, u8 success, matchIndex, conflictTerm, conflictIndex,
 *                             readId
 * 0x14 TimeoutNow             from, to, term
 * 0x15 InstallSnapshotRequest from, to, term, snapshotIndex, snapshotTerm, offset, u8 done,
 *                             dataLength, data, configLength, config (0 bytes: the initial
 *                             configuration; else a CONFIG entry's payload)
 * 0x16 InstallSnapshotResponse from, to, term, snapshotIndex, nextOffset, u8 done
 * 0x17 ReadIndexRequest       from, to, term, ctx     a follower's read, forwarded to its leader
 * 0x18 ReadIndexResponse      from, to, term, ctx, index   the leader's answer: serve at &gt;= index
 * (every field a varint unless marked u8; u8 booleans must be 0 or 1)
 * </pre>
 * A heartbeat (an AppendEntriesRequest without entries) is about 20 bytes on the wire; an entry
 * costs its data plus 4 to about 30 bytes.
 *
 * <h2>Bad input</h2>
 * A malformed, truncated, oversized or unexpected frame, an unknown type, a frame before the
 * handshake, or a message whose from/to do not match the handshake closes that connection with one
 * WARN line (and a best-effort REJECT telling the other end why). Other connections, the queues and
 * the node are not affected.
 *
 * <h2>Bounds</h2>
 * See {@link io.raftkv.transport.TransportConfig}: frame size, per-peer queue lengths and bytes,
 * bytes in flight per connection, inbound connections, timeouts and the reconnect backoff.
 */
package io.raftkv.transport;
