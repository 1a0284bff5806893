----------------------------- MODULE TraceRaft -----------------------------
(***************************************************************************)
(* Trace validation: the Java core's recorded executions replayed against  *)
(* Raft.tla.  A behaviour of this module is a behaviour of Raft whose i-th *)
(* step is the action named by the i-th line of a trace, with that         *)
(* action's parameters taken from the logged fields and the acting node's  *)
(* post-state equal to the logged `state`.  A trace is accepted when some  *)
(* behaviour consumes every line (TraceAccepted prints a marker then).     *)
(*                                                                         *)
(* Several traces can be checked in one TLC run: `tr` says which one a      *)
(* behaviour replays, so their states never mix.                           *)
(*                                                                         *)
(* Lines are records as logged (see spec/README.md): event, node, state,   *)
(* and msg / reply / value / readId / index where the event has them.     *)
(* Only fields the event has are read.  Messages are compared whole, so a  *)
(* logged message must carry exactly the spec's fields (AppendEntries      *)
(* messages their readId too, RequestVoteRequests their transfer flag).    *)
(*                                                                         *)
(* InstallSnapshot messages are logged without the spec's ghost field log *)
(* (the snapshot's content) and with fields the spec does not have (offset,*)
(* bytes, nextOffset): they are matched by the spec's other fields, the    *)
(* ghost computed from the sender's log (see TraceSpecMsgs).  Their       *)
(* logged non-spec field config, when present, must be the configuration   *)
(* of the sender's log up to the snapshot index.                           *)
(*                                                                         *)
(* ReadIndexRequest and ReadIndexResponse (follower reads) carry the     *)
(* spec's ghost start (what was committed when the follower's read began) *)
(* and no ctx; they are logged with the core's ctx (the read's name, not  *)
(* a spec field) and without start, and matched by the spec's other       *)
(* fields (see TraceSpecMsgs).  start is read by no action's guard, only  *)
(* copied into the leader's round, the response and lastRead.             *)
(*                                                                         *)
(* Membership: a ProposeConfig line carries the configuration (field       *)
(* config, a record of three sets), a config entry in a message is         *)
(* [term, value, config], and a state that has config must be the node's   *)
(* configuration (ConfigOf) after the step.  InitVoters is a constant of   *)
(* the generated cfg (the trace header's voters; every server without).    *)
(*                                                                         *)
(* Leases: every state logs the node's lease (spec lease[i]; a state     *)
(* without one, written before leases, means 0), compared like the role.  *)
(* Promises are not logged: the spec derives them from the receipts.      *)
(* LeaseReads is a constant of the generated cfg (the trace header's      *)
(* leaseReads; FALSE without).                                             *)
(*                                                                         *)
(* Nothing happens between two lines: the implementation logs every send, *)
(* receive, drop and duplication, and a message the network loses without *)
(* a line simply stays in the bag, which the spec allows (a merged trace   *)
(* of a real cluster drops such messages in DropUnreceived lines once no  *)
(* later line mentions them, see TraceDropUnreceived).  A reply the       *)
(* core held (AsyncPersist) leaves in the PersistLog step that releases it *)
(* (the spec computes which: the event logs none).  Traces are checked     *)
(* with AsyncPersist = TRUE.  One step is unlogged by necessity: a leader  *)
(* that crashed holding a lease logs no ExpireLease (a crash is no line),  *)
(* yet its lease is over; see TraceExpirePromiseAfterCrash.                *)
(***************************************************************************)
EXTENDS Raft, Naturals, Sequences, TLC

CONSTANTS
    Traces,     \* a tuple of traces, each a tuple of lines
    StopAt      \* 0, or in a diagnosis run the line that failed (see TraceDiagnosis)

VARIABLES tr,   \* which trace this behaviour replays
          l     \* the next line to match

\* A constant definition, so TLC evaluates it once, when it starts: referring to the
\* substituted constant Traces directly would evaluate its definition (read the file) at every use.
TraceLog == Traces

TraceLine == TraceLog[tr][l]

TraceCount(bag, msg) == IF msg \in DOMAIN bag THEN bag[msg] ELSE 0

\* The step put (one more copy of) msg in flight.
TraceSent(msg) == TraceCount(messages', msg) > TraceCount(messages, msg)

\* The node's durable state after the step is the one logged, and so is how much of its log it
\* knows to be on disk. The snapshot index is durable too (a state logged without it, by a core
\* that has no snapshots, means none).
TraceDurablePostState(node, s) ==
    /\ snapshotIndex'[node] = (IF "snapshotIndex" \in DOMAIN s THEN s.snapshotIndex ELSE 0)
    /\ currentTerm'[node] = s.currentTerm
    /\ votedFor'[node] = s.votedFor
    /\ commitIndex'[node] = s.commitIndex
    /\ Len(log'[node]) = s.logLength
    /\ (IF log'[node] = <<>> THEN 0 ELSE log'[node][Len(log'[node])].term) = s.lastLogTerm
    /\ durableLength'[node] = s.durableLength
    \* A function of the log (so durable too); states written before membership lack it.
    /\ "config" \in DOMAIN s => ConfigOfLog(log'[node]) = s.config

\* The lease a logged state shows (volatile, like the role): a state written before leases has
\* none, which is the spec's 0.
TraceLoggedLease(s) == IF "lease" \in DOMAIN s THEN s.lease ELSE 0

\* The node's state after the step is the one logged.  A drop or duplication is the network's
\* step, logged with its destination's state; for a crashed destination (the crash itself is no
\* spec action) that is the last state the node emitted before it crashed, which is the spec's
\* until Restart.  For those two events only the durable part (and durableLength, which no spec
\* step changes between the crash and the Restart either) is compared, not the role or the
\* applied index (volatile: a crashed node's is lost).
TracePostState(e) ==
    /\ TraceDurablePostState(e.node, e.state)
    /\ \/ e.event \in {"DropMessage", "DuplicateMessage"}
       \/ /\ role'[e.node] = e.state.role
          /\ appliedIndex'[e.node] = e.state.appliedIndex
          /\ lease'[e.node] = TraceLoggedLease(e.state)

\* The spec's InstallSnapshotResponse a logged one stands for (without nextOffset).
TraceSnapshotResponse(lm) == InstallSnapshotResponse(lm.term, lm.from, lm.to, lm.snapshotIndex, lm.done)

\* A logged InstallSnapshotRequest's configuration (not a spec field; absent in traces written
\* before membership) is the snapshot's: that of its content, the entries up to its index.
TraceSnapshotConfigOk(lm, content) == "config" \in DOMAIN lm => lm.config = ConfigOfLog(content)

\* Whether the spec's InstallSnapshotRequest x is the logged lm: every field but the ghost log
\* (lm has none; offset and bytes are not the spec's).
TraceSnapshotRequestIs(x, lm) ==
    /\ x.type = "InstallSnapshotRequest"
    /\ x.term = lm.term /\ x.from = lm.from /\ x.to = lm.to
    /\ x.snapshotIndex = lm.snapshotIndex /\ x.snapshotTerm = lm.snapshotTerm /\ x.done = lm.done
    /\ TraceSnapshotConfigOk(lm, x.log)

\* Whether the spec's ReadIndexRequest or ReadIndexResponse x is the logged lm: every field but the
\* ghost start (lm has none; its ctx is the core's name for the read, not the spec's).
TraceReadIndexMsgIs(x, lm) ==
    /\ x.type = lm.type
    /\ x.term = lm.term /\ x.from = lm.from /\ x.to = lm.to
    /\ lm.type = "ReadIndexResponse" => x.index = lm.index

\* The spec messages in flight that a logged message lm may be: itself, for every type whose fields
\* are the spec's; for an InstallSnapshotRequest those in flight with its spec fields (their ghost
\* logs, the snapshot's content, all equal the committed prefix); for an InstallSnapshotResponse
\* the record without nextOffset; for a ReadIndexRequest or ReadIndexResponse those in flight with
\* its spec fields, whatever their ghost start (two reads a follower forwarded to the same leader in
\* one term differ only there and in ctx: either may be taken, and TLC follows both).
TraceSpecMsgs(lm) ==
    CASE lm.type = "InstallSnapshotRequest" ->
             {x \in DOMAIN messages : TraceSnapshotRequestIs(x, lm)}
      [] lm.type = "InstallSnapshotResponse" -> {TraceSnapshotResponse(lm)}
      [] lm.type \in {"ReadIndexRequest", "ReadIndexResponse"} ->
             {x \in DOMAIN messages : TraceReadIndexMsgIs(x, lm)}
      [] OTHER -> {lm}

\* A leader's own lines: every line with node = k but the network's DropMessage and
\* DuplicateMessage, whose node is the destination.
TraceOwnLine(m, k) ==
    /\ "node" \in DOMAIN TraceLog[tr][m]   \* not a DropUnreceived line
    /\ TraceLog[tr][m].node = k
    /\ TraceLog[tr][m].event \notin {"DropMessage", "DuplicateMessage"}

\* Whether server k is down at line l as far as the trace can tell: it logs nothing of its own
\* after line l until a Restart, or nothing at all (it stays down to the end).  A crash is no line,
\* so this is how a trace shows one.
\* (Linear in the rest of the trace; evaluated only where such a lease blocks a line.)
TraceDown(k) ==
    LET restarts == {m \in l + 1 .. Len(TraceLog[tr]) :
                        TraceOwnLine(m, k) /\ TraceLog[tr][m].event = "Restart"}
        until == IF restarts = {} THEN Len(TraceLog[tr]) + 1 ELSE MinOf(restarts)
    IN  \A m \in l + 1 .. until - 1 : ~TraceOwnLine(m, k)

\* Raft's definitions evaluated as after ExpireLease(k): lease[k] is 0 there, nothing else differs.
TraceAfterExpireLease(k) == INSTANCE Raft WITH lease <- [lease EXCEPT ![k] = 0]

\* An ExpirePromise line of i, where a lease of a leader k that crashed holding it still rests on
\* i's promise: ExpireLease(k) (never logged: k was down before its lease ran out, and a crash is
\* no line) followed by ExpirePromise(i), in one step so that one line stays one step.  Only
\* when i's promise may not expire otherwise, and only for a k that is down (TraceDown): a leader
\* that is up logs its own ExpireLease, which must come before the promises it rests on run out.
\* ExpireLease(k) is a step Raft allows at any time, so the pair is a behaviour of Raft.
\* (The instance's ExpirePromise(i) leaves its lease, [lease EXCEPT ![k] = 0], unchanged: with
\* lease' fixed first that says lease' is lease with k's ended, and the rest is ExpirePromise's.)
TraceExpirePromiseAfterCrash(k, i) ==
    /\ ~PromiseMayExpire(i)
    /\ ENABLED ExpireLease(k)
    /\ TraceDown(k)
    /\ lease' = [lease EXCEPT ![k] = 0]
    /\ TraceAfterExpireLease(k)!ExpirePromise(i)

\* The spec action a line names, with its parameters fixed by the logged fields: always one
\* of the disjuncts of Raft's Next, with parameters in the ranges Next gives them.
TraceAction(e) ==
    CASE e.event = "Timeout"                     -> Timeout(e.node)
      [] e.event = "BecomeCandidate"             -> BecomeCandidate(e.node)
      [] e.event = "BecomeLeader"                -> BecomeLeader(e.node)
      [] e.event = "ClientRequest"               -> /\ e.value \in Nat \ {0}   \* as in Next
                                                    /\ ClientRequest(e.node, e.value)
      [] e.event = "ProposeConfig"               -> /\ e.config \in Config    \* as in Next
                                                    /\ ProposeConfig(e.node, e.config)
      [] e.event = "SendAppendEntries"           -> /\ SendAppendEntries(e.node, e.msg.to, Len(e.msg.entries))
                                                    /\ TraceSent(e.msg)
      [] e.event = "SendHeartbeat"               -> /\ SendHeartbeat(e.node, e.msg.to)
                                                    /\ TraceSent(e.msg)
      [] e.event = "HandleAppendEntriesRequest"  -> /\ HandleAppendEntriesRequest(e.node, e.msg.from, e.msg)
                                                    \* sent now, or held until PersistLog
                                                    /\ "reply" \in DOMAIN e =>
                                                          \/ TraceSent(e.reply)
                                                          \/ e.reply \in pendingAcks'[e.node]
      [] e.event = "HandleAppendEntriesResponse" -> HandleAppendEntriesResponse(e.node, e.msg.from, e.msg)
      [] e.event = "AdvanceCommitIndex"          -> AdvanceCommitIndex(e.node)
      [] e.event = "HandleRequestVoteRequest"    -> /\ HandleRequestVoteRequest(e.node, e.msg.from, e.msg)
                                                    /\ TraceSent(e.reply)
      [] e.event = "HandleRequestVoteResponse"   -> HandleRequestVoteResponse(e.node, e.msg.from, e.msg)
      [] e.event = "StepDown"                    -> StepDown(e.node)
      [] e.event = "PersistLog"                  -> PersistLog(e.node, e.state.durableLength)
      [] e.event = "Restart"                     -> Restart(e.node, e.state.logLength, e.state.commitIndex)
      [] e.event = "Apply"                       -> Apply(e.node, e.state.appliedIndex)
      [] e.event = "ReadIndex"                   -> /\ ReadIndex(e.node)
                                                    /\ readSeq'[e.node] = e.readId
                                                    /\ commitIndex[e.node] = e.index
      [] e.event = "ServeRead"                   -> /\ \E r \in pendingReads[e.node] :
                                                          /\ r.id = e.readId
                                                          /\ ServeRead(e.node, r)
                                                    /\ appliedIndex[e.node] = e.index
      [] e.event = "RenewLease"                  -> \E r \in pendingReads[e.node] :
                                                       /\ r.id = e.readId
                                                       /\ RenewLease(e.node, r)
      [] e.event = "ExpireLease"                 -> ExpireLease(e.node)
      [] e.event = "ExpirePromise"               -> \/ ExpirePromise(e.node)
                                                    \/ \E k \in Server : TraceExpirePromiseAfterCrash(k, e.node)
      [] e.event = "LeaseRead"                   -> /\ LeaseRead(e.node)
                                                    /\ readSeq'[e.node] = e.readId
                                                    /\ commitIndex[e.node] = e.index
      \* Follower reads.  The request sent carries, as its ghost start, what is committed now (the
      \* send changes no commit index); the leader's round must have the logged id and begin at its
      \* commit index; the response answers the pending round of the logged id (its ghost start
      \* copied from that round); the read is served at the follower's applied index.
      [] e.event = "ForwardRead"                 -> /\ ForwardRead(e.node, e.msg.to)
                                                    /\ TraceSent(ReadIndexRequest(e.msg.term, e.msg.from,
                                                          e.msg.to, MaxCommitted))
      [] e.event = "HandleReadIndexRequest"      -> /\ \E x \in TraceSpecMsgs(e.msg) :
                                                          HandleReadIndexRequest(e.node, e.msg.from, x)
                                                    /\ readSeq'[e.node] = e.readId
                                                    /\ commitIndex[e.node] = e.index
      [] e.event = "SendReadIndexResponse"       -> \E r \in pendingReads[e.node] :
                                                       /\ r.id = e.readId
                                                       /\ SendReadIndexResponse(e.node, r)
                                                       /\ TraceSent(ReadIndexResponse(e.msg.term, e.msg.from,
                                                             e.msg.to, e.msg.index, r.start))
      [] e.event = "HandleReadIndexResponse"     -> /\ \E x \in TraceSpecMsgs(e.msg) :
                                                          HandleReadIndexResponse(e.node, e.msg.from, x)
                                                    /\ appliedIndex[e.node] = e.index
      [] e.event = "SendTimeoutNow"              -> /\ SendTimeoutNow(e.node, e.msg.to)
                                                    /\ TraceSent(e.msg)
      [] e.event = "HandleTimeoutNow"            -> HandleTimeoutNow(e.node, e.msg.from, e.msg)
      [] e.event = "TakeSnapshot"                -> TakeSnapshot(e.node, e.state.snapshotIndex)
      \* The chunk sent: the spec's message with the logged spec fields and, as the ghost content,
      \* the sender's entries up to the snapshot index (the send changes no log).
      [] e.event = "SendInstallSnapshot"         -> /\ SendInstallSnapshot(e.node, e.msg.to)
                                                    /\ TraceSnapshotConfigOk(e.msg,
                                                          SubSeq(log[e.node], 1, e.msg.snapshotIndex))
                                                    /\ TraceSent(InstallSnapshotRequest(
                                                          e.msg.term, e.msg.from, e.msg.to,
                                                          e.msg.snapshotIndex, e.msg.snapshotTerm,
                                                          e.msg.done,
                                                          SubSeq(log[e.node], 1, e.msg.snapshotIndex)))
      [] e.event = "HandleInstallSnapshotRequest" -> /\ \E x \in TraceSpecMsgs(e.msg) :
                                                          HandleInstallSnapshotRequest(e.node, e.msg.from, x)
                                                     /\ TraceSent(TraceSnapshotResponse(e.reply))
      [] e.event = "HandleInstallSnapshotResponse" -> HandleInstallSnapshotResponse(e.node, e.msg.from,
                                                                                   TraceSnapshotResponse(e.msg))
      [] e.event = "DropMessage"                 -> \E x \in TraceSpecMsgs(e.msg) : DropMessage(x)
      [] e.event = "DuplicateMessage"            -> \E x \in TraceSpecMsgs(e.msg) : DuplicateMessage(x)

TraceInit ==
    /\ Init
    /\ tr \in 1..Len(TraceLog)
    /\ l = 1

\* In a diagnosis run the failed line is taken without its post-state, so that the
\* state the spec would have produced can be shown next to the logged one.
TraceStep ==
    /\ l <= Len(TraceLog[tr])
    /\ StopAt = 0 \/ l <= StopAt
    /\ TraceLine.event /= "DropUnreceived"
    /\ TraceAction(TraceLine)
    /\ l = StopAt \/ TracePostState(TraceLine)
    /\ l' = l + 1
    /\ UNCHANGED tr

\* A line a merged trace of a real cluster marks optional may also be passed over with no
\* step at all.  The merge marks the events of the last input a node took before it was
\* killed and restarted: that input's writes may never have reached the disk (and then,
\* by the driver's contract, nothing of it left the node), so the node may have crashed
\* before the input as far as anyone can tell.  Whether it did is for the rest of the
\* trace (the Restart's state, the messages others receive) to decide.
TraceSkip ==
    /\ l <= Len(TraceLog[tr])
    /\ StopAt = 0 \/ l < StopAt
    /\ "optional" \in DOMAIN TraceLine
    /\ l' = l + 1
    /\ UNCHANGED <<vars, tr>>

\* A line the merge of a real cluster's traces adds (trace-check/README.md, "Traces of a real
\* cluster"): the network drops every copy still in flight of the messages it lists, messages
\* that no later line sends, receives, drops or duplicates (the merge lists a message once every
\* line that mentions it is behind).  Each copy dropped is a DropMessage step of Raft, so the
\* line is a run of Raft steps; and since no later line looks for these messages, no behaviour
\* that could consume the rest of the trace is lost.  What it gains: after a kill the replay
\* follows both readings of the killed node's last input (TraceSkip), and the two would
\* otherwise stay apart to the end over messages sent in one of them that nobody receives.
TraceUnreceived(lms) == UNION {TraceSpecMsgs(lms[k]) : k \in DOMAIN lms}

TraceDropUnreceived ==
    /\ l <= Len(TraceLog[tr])
    /\ StopAt = 0 \/ l < StopAt
    /\ TraceLine.event = "DropUnreceived"
    /\ LET gone == TraceUnreceived(TraceLine.msgs)
       IN  messages' = [x \in DOMAIN messages \ gone |-> messages[x]]
    /\ l' = l + 1
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, readVars, applyVars, persistVars, tr>>

TraceNext == TraceStep \/ TraceSkip \/ TraceDropUnreceived

TraceSpec == TraceInit /\ [][TraceNext]_<<vars, tr, l>>

(***************************************************************************)
(* Acceptance.  TLC stops without error when no state is left to explore,  *)
(* so silence is rejection: the driver looks for this marker.  With one    *)
(* trace TLC is stopped at once; with several it runs until every trace is *)
(* accepted or stuck.                                                      *)
(***************************************************************************)
TraceAccepted ==
    l > Len(TraceLog[tr]) =>
        /\ PrintT("TRACECHECK accepted " \o ToString(tr))
        /\ (Len(TraceLog) = 1 => TLCSet("exit", TRUE))

(***************************************************************************)
(* Diagnosis (StopAt = the failed line).  At the last matched state: the   *)
(* nodes' states, the failed line, whether its action is enabled at all,   *)
(* and what the spec could do instead.  After the failed line taken        *)
(* without its post-state: the state the spec gives the node.              *)
(***************************************************************************)
TraceStateOf(term, vote, r, commit, xlog, durable, acks, applied, rseq, reads, snap, ls, pr) ==
    [currentTerm |-> term, votedFor |-> vote, role |-> r, commitIndex |-> commit,
     logLength |-> Len(xlog), lastLogTerm |-> IF xlog = <<>> THEN 0 ELSE xlog[Len(xlog)].term,
     durableLength |-> durable, pendingAcks |-> acks, appliedIndex |-> applied,
     readSeq |-> rseq, pendingReads |-> reads, snapshotIndex |-> snap, config |-> ConfigOfLog(xlog),
     lease |-> ls, promise |-> pr]

TraceNodeState(node) ==
    TraceStateOf(currentTerm[node], votedFor[node], role[node], commitIndex[node], log[node],
                 durableLength[node], pendingAcks[node], appliedIndex[node], readSeq[node],
                 pendingReads[node], snapshotIndex[node], lease[node], promise[node])

TraceNodeStateAfter(node) ==
    TraceStateOf(currentTerm'[node], votedFor'[node], role'[node], commitIndex'[node], log'[node],
                 durableLength'[node], pendingAcks'[node], appliedIndex'[node], readSeq'[node],
                 pendingReads'[node], snapshotIndex'[node], lease'[node], promise'[node])

TraceInFlight == {msg \in DOMAIN messages : messages[msg] > 0}

TraceIf(cond, name) == IF cond THEN {name} ELSE {}

TraceEnabledActions(node) ==
    LET n == ToString(node)
        peers == {x \in Server : x /= node}
    IN  TraceIf(ENABLED Timeout(node), "Timeout(" \o n \o ")")
        \cup TraceIf(ENABLED BecomeCandidate(node), "BecomeCandidate(" \o n \o ")")
        \cup TraceIf(ENABLED BecomeLeader(node), "BecomeLeader(" \o n \o ")")
        \cup TraceIf(ENABLED AdvanceCommitIndex(node), "AdvanceCommitIndex(" \o n \o ")")
        \cup TraceIf(ENABLED StepDown(node), "StepDown(" \o n \o ")")
        \cup TraceIf(ENABLED ReadIndex(node), "ReadIndex(" \o n \o ")")
        \cup TraceIf(ENABLED LeaseRead(node), "LeaseRead(" \o n \o ")")
        \cup TraceIf(ENABLED ExpireLease(node), "ExpireLease(" \o n \o ")")
        \cup TraceIf(ENABLED ExpirePromise(node), "ExpirePromise(" \o n \o ")")
        \* A lease of a leader that is down ends before the promise (TraceExpirePromiseAfterCrash).
        \cup {"ExpirePromise(" \o n \o ") after the unlogged ExpireLease(" \o ToString(k)
                  \o ") of a leader that crashed holding it" :
                  k \in {x \in Server : ENABLED TraceExpirePromiseAfterCrash(x, node)}}
        \cup {"RenewLease(" \o n \o ", " \o ToString(r) \o ")" :
                  r \in {x \in pendingReads[node] : ENABLED RenewLease(node, x)}}
        \* ProposeConfig takes any allowed c: shown as the configuration it would follow.
        \cup TraceIf(role[node] = "Leader" /\ LastConfigIndex(log[node]) <= commitIndex[node],
                     "ProposeConfig(" \o n \o ", c) for c following " \o ToString(ConfigOf(node)))
        \cup {"ServeRead(" \o n \o ", " \o ToString(r) \o ")" :
                  r \in {x \in pendingReads[node] : ENABLED ServeRead(node, x)}}
        \cup {"SendReadIndexResponse(" \o n \o ", " \o ToString(r) \o ")" :
                  r \in {x \in pendingReads[node] : ENABLED SendReadIndexResponse(node, x)}}
        \cup {"ForwardRead(" \o n \o ", " \o ToString(x) \o ")" :
                  x \in {y \in peers : ENABLED ForwardRead(node, y)}}
        \* Apply takes any n in a range: shown as the range.
        \cup TraceIf(appliedIndex[node] < ApplyBound(node),
                     "Apply(" \o n \o ", n) for n in " \o ToString(appliedIndex[node] + 1)
                        \o ".." \o ToString(ApplyBound(node)))
        \* PersistLog and Restart take any n (and c) in a range: shown as the range.
        \cup TraceIf(durableLength[node] < Len(log[node]),
                     "PersistLog(" \o n \o ", n) for n in " \o ToString(durableLength[node] + 1)
                        \o ".." \o ToString(Len(log[node])))
        \cup {"Restart(" \o n \o ", n, c) for n in " \o ToString(durableLength[node]) \o ".."
                  \o ToString(Len(log[node])) \o ", " \o
                  (IF AsyncPersist THEN "c <= Min(" \o ToString(commitIndex[node]) \o ", n)"
                   ELSE "c = " \o ToString(commitIndex[node]))}
        \cup {"SendHeartbeat(" \o n \o ", " \o ToString(x) \o ")" :
                  x \in {y \in peers : ENABLED SendHeartbeat(node, y)}}
        \cup {"SendTimeoutNow(" \o n \o ", " \o ToString(x) \o ")" :
                  x \in {y \in peers : ENABLED SendTimeoutNow(node, y)}}
        \* TakeSnapshot takes any n in a range: shown as the range.
        \cup TraceIf(snapshotIndex[node] < appliedIndex[node],
                     "TakeSnapshot(" \o n \o ", n) for n in " \o ToString(snapshotIndex[node] + 1)
                        \o ".." \o ToString(appliedIndex[node]))
        \cup {"SendInstallSnapshot(" \o n \o ", " \o ToString(x) \o ")" :
                  x \in {y \in peers : ENABLED SendInstallSnapshot(node, y)}}
        \cup {"SendAppendEntries(" \o n \o ", " \o ToString(p[1]) \o ", " \o ToString(p[2]) \o ")" :
                  p \in {q \in peers \X (0..Len(log[node])) : ENABLED SendAppendEntries(node, q[1], q[2])}}
        \cup {"receive " \o ToString(msg) : msg \in {x \in TraceInFlight :
                  /\ x.to = node
                  /\ \/ ENABLED HandleAppendEntriesRequest(node, x.from, x)
                     \/ ENABLED HandleAppendEntriesResponse(node, x.from, x)
                     \/ ENABLED HandleRequestVoteRequest(node, x.from, x)
                     \/ ENABLED HandleRequestVoteResponse(node, x.from, x)
                     \/ ENABLED HandleTimeoutNow(node, x.from, x)
                     \/ ENABLED HandleInstallSnapshotRequest(node, x.from, x)
                     \/ ENABLED HandleInstallSnapshotResponse(node, x.from, x)
                     \/ ENABLED HandleReadIndexRequest(node, x.from, x)
                     \/ ENABLED HandleReadIndexResponse(node, x.from, x)}}

\* Invariant of a diagnosis run: prints the last matched state and what was possible there.
TraceDiagnosis ==
    l = StopAt =>
        LET e == TraceLine IN
        /\ \A x \in Server :
              PrintT("TRACECHECK diag-state " \o ToString(x) \o ": " \o ToString(TraceNodeState(x)))
        /\ PrintT("TRACECHECK diag-action-enabled " \o ToString(ENABLED TraceAction(e)))
        /\ ("msg" \in DOMAIN e /\ e.event \notin {"SendAppendEntries", "SendHeartbeat", "SendTimeoutNow",
                                                  "SendInstallSnapshot", "ForwardRead",
                                                  "SendReadIndexResponse"}) =>
              /\ PrintT("TRACECHECK diag-msg-in-flight " \o ToString(TraceSpecMsgs(e.msg) \cap TraceInFlight /= {}))
              /\ PrintT("TRACECHECK diag-similar-in-flight " \o ToString(
                     {x \in TraceInFlight : x.type = e.msg.type /\ x.from = e.msg.from /\ x.to = e.msg.to}))
        /\ PrintT("TRACECHECK diag-enabled " \o ToString(TraceEnabledActions(e.node)))
        \* An ExpirePromise line the spec refuses for a lease resting on the promise: whose lease
        \* (a leader whose ExpireLease would free it), and whether the trace shows that leader down.
        /\ (e.event = "ExpirePromise" /\ ~PromiseMayExpire(e.node)) =>
              PrintT("TRACECHECK diag-promise-held " \o ToString(promise[e.node]) \o " by the lease of "
                     \o ToString({[leader |-> k, lease |-> lease[k], down |-> TraceDown(k)] :
                                  k \in {x \in Server : lease[x] > 0 /\ TraceAfterExpireLease(x)!PromiseMayExpire(e.node)}}))

\* Action constraint of a diagnosis run: the failed line's step as the spec takes it.
TraceDiagnosisStep ==
    l = StopAt =>
        LET e == TraceLine IN
        /\ PrintT("TRACECHECK diag-spec-post " \o ToString(TraceNodeStateAfter(e.node)))
        /\ PrintT("TRACECHECK diag-spec-sent " \o ToString(
               {x \in DOMAIN messages' : TraceCount(messages', x) > TraceCount(messages, x)}))
=============================================================================
