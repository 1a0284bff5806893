------------------------------- MODULE MCRaft -------------------------------
(***************************************************************************)
(* Raft.tla bounded for TLC. The bounds are guards of MCNext's steps, a    *)
(* state constraint and the ranges MCNext quantifies over, so Raft.tla's   *)
(* actions stay unbounded for trace validation.                            *)
(* The configurations (MCRaftQuick.cfg, MCRaftFull.cfg, mutants/*.cfg) set *)
(* the constants; spec/README.md lists what each one bounds.               *)
(***************************************************************************)
EXTENDS Raft, TLC, Bags

CONSTANTS
    MaxTerm,                \* no election beyond this term
    MaxLogLength,           \* no leader appends (no-op or command) beyond this length
    MaxMessages,            \* copies in flight, all messages together
    MaxCopies,              \* copies of one message (DuplicateMessage)
    MaxEntriesPerMessage,   \* entries in one AppendEntriesRequest
    Values,                 \* client command values (>= 1)
    MaxReads,               \* read rounds a leader begins while it leads; 0: no reads, no apply
    Transfers,              \* BOOLEAN: leadership transfers (SendTimeoutNow, HandleTimeoutNow)
    Snapshots,              \* BOOLEAN: log compaction and InstallSnapshot (and Apply, which they need)
    SnapshotChunks,         \* BOOLEAN: a snapshot may be sent in several chunks (done FALSE, then TRUE)
    MaxConfigChanges        \* config entries a log may hold (ProposeConfig); 0: no membership change

ASSUME Values \subseteq Nat \ {0} /\ MaxReads \in Nat /\ Transfers \in BOOLEAN
ASSUME Snapshots \in BOOLEAN /\ SnapshotChunks \in BOOLEAN /\ MaxConfigChanges \in Nat

\* Copies in flight, all messages together. messages is a bag in the sense of the standard Bags
\* module, whose BagCardinality TLC evaluates in Java (the recursive sum it replaces was the most
\* evaluated expression of the search).
InFlight == BagCardinality(messages)

\* Copies a broadcast adds at most (with Broadcast <- SendToOnePeer, a cfg also sets BroadcastCopies
\* <- OneCopy). A broadcast goes to the other voters of the sender's configuration, so i's adds
\* BroadcastCopiesOf(i) (with every server a voter: BroadcastCopies).
BroadcastCopies == Cardinality(Server) - 1
BroadcastCopiesOf(i) == Min(BroadcastCopies, Cardinality(VoteTargets(i)))

\* Copies the vote requests of a transfer election add (with ConsumeAndBroadcast <-
\* ConsumeAndSendToOnePeer, a cfg also sets TransferBroadcastCopies <- OneCopy); of i's, as above.
TransferBroadcastCopies == Cardinality(Server) - 1
TransferBroadcastCopiesOf(i) == Min(TransferBroadcastCopies, Cardinality(VoteTargets(i)))

\* Room in the network for n more copies.
CanSend(n) == InFlight + n <= MaxMessages

\* The actions that could leave the bounds, guarded so that TLC does not even generate the step
\* (generating successors only to prune them doubled the cost). Named, so that TLC names the action
\* of each step of a counterexample (printed without the MC).
\* Ordinary elections (Timeout, BecomeCandidate) stay below MaxElectionTerm: MaxTerm, unless a cfg
\* narrows it (MaxElectionTerm <- FirstTerm, see below).
MaxElectionTerm == MaxTerm
MCTimeout(i) == currentTerm[i] < MaxElectionTerm /\ CanSend(BroadcastCopiesOf(i)) /\ Timeout(i)
MCBecomeCandidate(i) ==
    currentTerm[i] < MaxElectionTerm /\ CanSend(BroadcastCopiesOf(i)) /\ BecomeCandidate(i)
MCBecomeLeader(i) == Len(log[i]) < MaxLogLength /\ BecomeLeader(i)
MCClientRequest(i, v) == Len(log[i]) < MaxLogLength /\ ClientRequest(i, v)
\* Membership changes, only with MaxConfigChanges > 0: at most that many config entries in a log.
ConfigEntryCount(lg) == Cardinality({n \in 1 .. Len(lg) : IsConfigEntry(lg[n])})
\* The single-server changes the core makes from i's configuration. Not joint: add a learner,
\* remove a learner, promote a learner to voter or remove a voter (entering the joint
\* configuration); joint: leave it.
SingleServerChanges(i) ==
    LET cur == ConfigOf(i)
    IN IF IsJoint(cur)
       THEN {[voters |-> cur.voters, outgoing |-> {}, learners |-> cur.learners]}
       ELSE {[voters |-> cur.voters, outgoing |-> {}, learners |-> cur.learners \cup {j}] :
                j \in Server \ Members(cur)}
            \cup {[voters |-> cur.voters, outgoing |-> {}, learners |-> cur.learners \ {j}] :
                     j \in cur.learners}
            \cup {[voters |-> cur.voters \cup {j}, outgoing |-> cur.voters,
                    learners |-> cur.learners \ {j}] : j \in cur.learners}
            \cup {[voters |-> cur.voters \ {j}, outgoing |-> cur.voters, learners |-> cur.learners] :
                     j \in cur.voters}
\* The configurations MCNext offers ProposeConfig, whose ConfigChangeAllowed decides. A mutant
\* whose rule allows more offers more (ConfigCandidates <- ... in its cfg).
ConfigCandidates(i) == SingleServerChanges(i)
MCProposeConfig ==
    /\ MaxConfigChanges > 0
    /\ \E i \in Server :
          /\ role[i] = "Leader"
          /\ Len(log[i]) < MaxLogLength
          /\ ConfigEntryCount(log[i]) < MaxConfigChanges
          /\ \E c \in ConfigCandidates(i) : ProposeConfig(i, c)
MCSendHeartbeat(i, j) == CanSend(1) /\ SendHeartbeat(i, j)
MCSendAppendEntries(i, j, k) == CanSend(1) /\ SendAppendEntries(i, j, k)
MCDuplicateMessage ==
    \E m \in DOMAIN messages : messages[m] < MaxCopies /\ CanSend(1) /\ DuplicateMessage(m)
\* Only with AsyncPersist (see MCNext). A completed write sends the replies it releases.
MCPersistLog ==
    /\ AsyncPersist
    /\ \E i \in Server : \E n \in durableLength[i] + 1 .. Len(log[i]) :
          /\ CanSend(Cardinality({a \in pendingAcks[i] : AckSendable(a.matchIndex, n)}))
          /\ PersistLog(i, n)
\* Only the restarts that lose or recover something: one that keeps the whole log, all of it
\* already durable, and the commit index, with no reply held and nothing applied, only resets
\* volatile state, the change StepDown makes (or none, on a follower), as without AsyncPersist.
\* With reads (MaxReads > 0) or snapshots a restart also loses the applied state past the snapshot
\* (the state machine is restored from the snapshot, or rebuilt from the log without one), which
\* nothing else does, so those restarts are kept without AsyncPersist too.
\* With LeaseReads a restart keeps the promise (PromiseAfterRestart), so it again loses nothing
\* else; a mutant whose restart forgets the promise (mutants/MutantRestartForgetsPromise.tla) gets
\* those restarts back by the last disjunct, which is FALSE for the real spec.
MCRestart ==
    /\ AsyncPersist \/ MaxReads > 0 \/ Snapshots
    /\ \E i \in Server : \E n \in durableLength[i] .. Len(log[i]), c \in 0 .. commitIndex[i] :
          /\ \/ n < Len(log[i]) \/ durableLength[i] < n \/ c < commitIndex[i]
             \/ pendingAcks[i] /= {} \/ appliedIndex[i] > snapshotIndex[i]
             \/ PromiseAfterRestart(i) /= promise[i]
          /\ Restart(i, n, c)
\* The indexes i's state machine may apply up to (Apply's guard narrows them further), and the
\* indexes i may compact up to. A cfg may narrow them (ApplyTargets <- ApplyAllTargets,
\* SnapshotTargets <- SnapshotAllTargets, below).
ApplyTargets(i) == appliedIndex[i] + 1 .. Len(log[i])
\* How many entries an AppendEntries may carry (SendAppendEntries' guard narrows them further). A cfg
\* may narrow them (AppendSizes <- AllOrNoEntries, below).
AppendSizes(i, j) == 0 .. MaxEntriesPerMessage
SnapshotTargets(i) == snapshotIndex[i] + 1 .. appliedIndex[i]

\* Reads, only with MaxReads > 0: at most MaxReads read rounds per leadership (readSeq is reset
\* when a leader steps down), the state machine's applies and the reads served.
\* ReadIndex rounds stay below ReadIndexBound (MaxReads, unless a cfg narrows it: ReadIndexBound <-
\* FirstRoundOnly, below).
ReadIndexBound == MaxReads
MCReadIndex(i) == readSeq[i] < ReadIndexBound /\ ReadIndex(i)
MCServeRead == MaxReads > 0 /\ \E i \in Server : \E r \in pendingReads[i] : ServeRead(i, r)
MCApply ==
    /\ MaxReads > 0 \/ Snapshots
    /\ \E i \in Server : \E n \in ApplyTargets(i) : Apply(i, n)
\* Leases, only with LeaseReads. A lease read begins a read round (readSeq rises), so it counts
\* toward MaxReads with the ReadIndex rounds. ExpirePromise only where a promise holds: on a
\* server without one it changes nothing (the core's countdown after a start, which the spec
\* allows, has no state to show for it).
MCRenewLease == LeaseReads /\ \E i \in Server : \E r \in pendingReads[i] : RenewLease(i, r)
MCExpireLease == LeaseReads /\ \E i \in Server : ExpireLease(i)
MCExpirePromise == LeaseReads /\ \E i \in Server : PromiseHolds(i) /\ ExpirePromise(i)
MCLeaseRead == LeaseReads /\ \E i \in Server : readSeq[i] < MaxReads /\ LeaseRead(i)
\* Follower reads, only with FollowerReads (and MaxReads > 0: the follower's state machine must
\* apply). A forwarded read begins a read round at the leader, so it counts toward the leader's
\* MaxReads with its own rounds. A follower forwards only to the leader of its term (the leader it
\* knows; one it knew that no longer leads can only drop the request), only while that leader has a
\* round left (else the request can only be dropped), and only while no read of its own is under way:
\* no ReadIndexRequest from it or ReadIndexResponse to it in flight, no round of its pending at any
\* leader. So at most one forwarded read per follower at a time, and at most MaxReads per leadership.
ForwardedReadUnderWay(i) ==
    \/ \E m \in DOMAIN messages :
          \/ m.type = "ReadIndexRequest" /\ m.from = i
          \/ m.type = "ReadIndexResponse" /\ m.to = i
    \/ \E l \in Server : \E r \in pendingReads[l] : r.origin = i /\ l /= i
\* The servers i may forward a read to: the leader of its term. A cfg may widen them
\* (ForwardTargets <- AnyLeader, below).
ForwardTargets(i) == {j \in Server : role[j] = "Leader" /\ currentTerm[j] = currentTerm[i]}
MCForwardRead(i, j) ==
    /\ FollowerReads
    /\ MaxReads > 0
    /\ j \in ForwardTargets(i)
    /\ readSeq[j] < MaxReads
    /\ ~ForwardedReadUnderWay(i)
    /\ CanSend(1)
    /\ ForwardRead(i, j)
MCHandleReadIndexRequest ==
    /\ FollowerReads
    /\ \E m \in DOMAIN messages : readSeq[m.to] < MaxReads /\ HandleReadIndexRequest(m.to, m.from, m)
MCSendReadIndexResponse ==
    /\ FollowerReads
    /\ CanSend(1)
    /\ \E i \in Server : \E r \in pendingReads[i] : SendReadIndexResponse(i, r)
MCHandleReadIndexResponse == FollowerReads /\ AnyHandleReadIndexResponse
\* Leadership transfers, only with Transfers. HandleTimeoutNow consumes the TimeoutNow and
\* broadcasts vote requests: TransferBroadcastCopies - 1 more copies in flight, and a term that
\* must stay within MaxTerm.
MCSendTimeoutNow(i, j) == Transfers /\ CanSend(1) /\ SendTimeoutNow(i, j)
MCHandleTimeoutNow ==
    /\ Transfers
    /\ \E m \in DOMAIN messages :
          /\ CanSend(TransferBroadcastCopiesOf(m.to) - 1)
          /\ currentTerm[m.to] < MaxTerm
          /\ HandleTimeoutNow(m.to, m.from, m)
\* Snapshots, only with Snapshots (and Apply with them, for a snapshot holds only applied entries).
\* A snapshot is sent as one chunk (done) unless SnapshotChunks, when a chunk may also be one that
\* is not the last (done FALSE: its answer changes nothing, the core then sends the next chunk).
ChunkDone == IF SnapshotChunks THEN BOOLEAN ELSE {TRUE}
MCTakeSnapshot ==
    /\ Snapshots
    /\ \E i \in Server : \E n \in SnapshotTargets(i) : TakeSnapshot(i, n)
MCSendInstallSnapshot(i, j) ==
    Snapshots /\ CanSend(1) /\ \E d \in ChunkDone : SendInstallSnapshotChunk(i, j, d)
\* Without chunks every last chunk arrives with all before it (there are none): complete.
MCHandleInstallSnapshotRequest ==
    /\ Snapshots
    /\ \E m \in DOMAIN messages : \E c \in (IF SnapshotChunks THEN BOOLEAN ELSE {TRUE}) :
          HandleInstallSnapshotChunk(m.to, m.from, m, c)
MCHandleInstallSnapshotResponse == Snapshots /\ AnyHandleInstallSnapshotResponse

\* Every step of Next, with client values from Values and at most MaxEntriesPerMessage entries per
\* AppendEntriesRequest. Without AsyncPersist it leaves out PersistLog, never enabled then, and
\* Restart: a restart then only resets volatile state, so on a (pre-)candidate or leader it is the
\* same state change as StepDown and on a follower it changes nothing. Generating it again cost a
\* sixth of all successors and found no state. (A mutant of Restart adds it back to its own
\* next-state relation: mutants/MutantForgetVote.tla.) With AsyncPersist a restart may lose the
\* log's unwritten tail, held replies and part of the commit index, which nothing else does.
\* Reads (ReadIndex, ServeRead) and the state machine (Apply, and what Restart loses of it) only
\* with MaxReads > 0: with MaxReads = 0 the read variables keep their initial values and every
\* message carries readId 0, so the other configurations' state spaces are unchanged. Leadership
\* transfers only with Transfers: with Transfers = FALSE no TimeoutNow is ever sent and every vote
\* request carries transfer = FALSE, so the state spaces are again unchanged. Snapshots (TakeSnapshot,
\* the InstallSnapshot steps, and Apply and the restarts that lose applied entries, which they
\* need) only with Snapshots: without it snapshotIndex stays 0 and no InstallSnapshot message is
\* ever sent, so the guards it adds to Raft.tla's actions always hold and the state spaces are
\* again unchanged. Leases (RenewLease, ExpireLease, ExpirePromise, LeaseRead) only with LeaseReads:
\* without it lease and promise keep their initial values (HoldPromise leaves promise alone), so
\* the state spaces are again unchanged. Follower reads (ForwardRead, HandleReadIndexRequest,
\* SendReadIndexResponse, HandleReadIndexResponse) only with FollowerReads: without it no
\* ReadIndexRequest or ReadIndexResponse is ever sent and every read round has origin = its leader,
\* so ServeRead's new guard always holds and the state spaces are again unchanged.
MCNext ==
    \/ \E i \in Server : MCTimeout(i)
    \/ \E i \in Server : MCBecomeCandidate(i)
    \/ \E i \in Server : MCBecomeLeader(i)
    \/ \E i \in Server, v \in Values : MCClientRequest(i, v)
    \/ MCProposeConfig
    \/ \E i \in Server : AdvanceCommitIndex(i)
    \/ \E i \in Server : StepDown(i)
    \/ \E i, j \in Server : MCSendHeartbeat(i, j)
    \/ \E i, j \in Server : \E k \in AppendSizes(i, j) : MCSendAppendEntries(i, j, k)
    \/ AnyHandleRequestVoteRequest
    \/ AnyHandleRequestVoteResponse
    \/ AnyHandleAppendEntriesRequest
    \/ AnyHandleAppendEntriesResponse
    \/ AnyDropMessage
    \/ MCDuplicateMessage
    \/ MCPersistLog
    \/ MCRestart
    \/ \E i \in Server : MCReadIndex(i)
    \/ MCServeRead
    \/ MCApply
    \/ MCRenewLease
    \/ MCExpireLease
    \/ MCExpirePromise
    \/ MCLeaseRead
    \/ \E i, j \in Server : MCForwardRead(i, j)
    \/ MCHandleReadIndexRequest
    \/ MCSendReadIndexResponse
    \/ MCHandleReadIndexResponse
    \/ \E i, j \in Server : MCSendTimeoutNow(i, j)
    \/ MCHandleTimeoutNow
    \/ MCTakeSnapshot
    \/ \E i, j \in Server : MCSendInstallSnapshot(i, j)
    \/ MCHandleInstallSnapshotRequest
    \/ MCHandleInstallSnapshotResponse

\* The bounds, as a state constraint too: TLC neither explores nor counts a state outside them.
\* (The guards above already keep almost every step inside; a repeated send of a message still in
\* flight can exceed MaxCopies.)
StateConstraint ==
    /\ \A i \in Server : currentTerm[i] <= MaxTerm /\ Len(log[i]) <= MaxLogLength
    /\ \A m \in DOMAIN messages : m.term <= MaxTerm /\ messages[m] <= MaxCopies
    /\ InFlight <= MaxMessages

MCSpec == Init /\ [][MCNext]_vars

\* Why MCNext may leave Restart out without AsyncPersist (and reads): a follower's volatile state
\* is always the state Restart resets it to (appliedIndex aside, which Restart also resets and
\* which only moves with reads on; the promise Restart keeps). Checked as an invariant by every
\* configuration.
FollowerVolatileIsReset ==
    \A i \in Server : role[i] = "Follower" =>
        /\ votesGranted[i] = {}
        /\ nextIndex[i] = [j \in Server |-> 1]
        /\ matchIndex[i] = [j \in Server |-> 0]
        /\ readSeq[i] = 0
        /\ pendingReads[i] = {}
        /\ lease[i] = 0

-----------------------------------------------------------------------------
(* Narrowing the search. A mutant whose counterexample is deep (Figure 8 needs *)
(* four elections) substitutes these in its cfg. Each only removes behaviours,*)
(* so whatever TLC finds is still a behaviour of the spec it checks.          *)

\* Broadcast <- SendToOnePeer (and BroadcastCopies <- OneCopy): a broadcast of which all copies
\* but one are lost at once.
SendToOnePeer(i, F(_)) == \E j \in VoteTargets(i) : messages' = WithMessage(F(j), messages)
OneCopy == 1
\* ConsumeAndBroadcast <- ConsumeAndSendToOnePeer: the same for the vote requests of a transfer.
ConsumeAndSendToOnePeer(m, i, F(_)) ==
    \E j \in VoteTargets(i) : messages' = WithMessage(F(j), WithoutMessage(m, messages))

\* MaxElectionTerm <- FirstTerm: only the election of term 1 is an ordinary one; later terms are
\* reached only by a leadership transfer (HandleTimeoutNow) or by adopting a term seen in a message.
FirstTerm == 1

\* ApplyTargets <- ApplyAllTargets: a state machine applies everything it may at once (no step
\* applies only part of the committed, durable entries). SnapshotTargets <- SnapshotAllTargets:
\* a snapshot compacts everything applied (as the core's does), never a shorter prefix.
ApplyAllTargets(i) == {ApplyBound(i)} \cap (appliedIndex[i] + 1 .. Len(log[i]))
SnapshotAllTargets(i) == {appliedIndex[i]} \cap (snapshotIndex[i] + 1 .. appliedIndex[i])
\* AppendSizes <- AllOrNoEntries: an AppendEntries carries no entry (a probe) or every entry from
\* nextIndex on, up to MaxEntriesPerMessage, as the core's does (it sends all it has, up to a byte
\* budget), never fewer.
AllOrNoEntries(i, j) == {0, Max(0, Min(MaxEntriesPerMessage, Len(log[i]) - nextIndex[i][j] + 1))}
\* ApplyTargets <- LeaderApplyTargets, SnapshotTargets <- LeaderSnapshotTargets: only a leader
\* applies and compacts (as above, everything at once); a follower's state machine and snapshot
\* move only by an install.
LeaderApplyTargets(i) == IF role[i] = "Leader" THEN ApplyAllTargets(i) ELSE {}
LeaderSnapshotTargets(i) == IF role[i] = "Leader" THEN SnapshotAllTargets(i) ELSE {}

\* ReadIndexBound <- FirstRoundOnly: a leader begins a ReadIndex round only as its first round
\* (readSeq = 0); its later rounds (up to MaxReads) are lease reads. So a lease rests only on
\* round 1, renewed after an expiry on that round again, never moved to a later one.
FirstRoundOnly == 1
\* ReadIndexBound <- NoOwnRounds: a leader begins no ReadIndex round of its own; its rounds are those
\* it begins for forwarded reads (FollowerReads), up to MaxReads.
NoOwnRounds == 0
\* ForwardTargets <- AnyLeader: a follower may forward a read to any server that leads, whatever
\* its term (ForwardRead allows any server; the core forwards to the leader it heard in its term).
AnyLeader(i) == {j \in Server : role[j] = "Leader"}

\* An action substituted by Off0/Off1/Off2/Off3 (by arity) never happens.
Off0 == FALSE
Off1(i) == FALSE
Off2(i, j) == FALSE
Off3(i, j, k) == FALSE

\* CONSTRAINT OneMessageBesideVoteRequests: at most one message in flight that is not a vote
\* request (with MaxMessages = 2: the network of a one-message configuration, but a vote request may
\* linger beside it, to be answered late).
OneMessageBesideVoteRequests ==
    BagCardinality([m \in {k \in DOMAIN messages : k.type /= "RequestVoteRequest"} |-> messages[m]]) <= 1

\* CONSTRAINT OneActive: at most one server is not a follower at a time.
OneActive == Cardinality({i \in Server : role[i] /= "Follower"}) <= 1

\* Servers are interchangeable except for InitVoters, the one constant that names some: nothing
\* else in Raft.tla depends on a server's identity. So the permutations that map the initial voters
\* to initial voters (and so the others to others); with InitVoters = Server, all of them.
Symmetry == {p \in Permutations(Server) : \A s \in InitVoters : p[s] \in InitVoters}

-----------------------------------------------------------------------------
(* Scenarios. A bounded check shows something only if its bounds let the    *)
(* cases that matter happen. Each scenario is a state predicate; with       *)
(* INIT MCInit and the invariant ReportScenarios, TLC prints               *)
(* "reached <name>" the first time one of its workers meets a new state     *)
(* where the scenario holds. A cfg lists what it must reach on a line       *)
(* "\* REACH <name> ..."; the model-check command reports the scenarios     *)
(* reached and fails when one listed there is not.                          *)

\* A leader holds an entry that another server had committed in an earlier term: the premise of
\* LeaderCompleteness met by a committed entry, not only by empty prefixes.
LeaderHoldsEarlierCommit ==
    \E l, i \in Server :
        /\ role[l] = "Leader"
        /\ \E n \in 1 .. commitIndex[i] : log[i][n].term < currentTerm[l]

\* Two logs disagree at an index: one of them must be overwritten.
DivergentLogs ==
    \E i, j \in Server :
        \E n \in 1 .. Min(Len(log[i]), Len(log[j])) : log[i][n].term /= log[j][n].term

\* A rejection that names the follower's conflicting term (backtracking a term at a time).
ConflictTermHint ==
    \E m \in DOMAIN messages :
        m.type = "AppendEntriesResponse" /\ ~m.success /\ m.conflictTerm /= 0

\* A client command is committed.
CommandCommitted == \E i \in Server : \E n \in 1 .. commitIndex[i] : log[i][n].value /= 0

\* A server that does not lead has learnt a commit index from a leader.
FollowerCommitted == \E i \in Server : role[i] /= "Leader" /\ commitIndex[i] > 0

\* A leader has sent a peer entries beyond what the peer has acknowledged (pipelining).
Pipelined == \E i, j \in Server : role[i] = "Leader" /\ nextIndex[i][j] > matchIndex[i][j] + 1

\* Two leaders at once (of different terms, by ElectionSafety).
TwoLeaders == \E i, j \in Server : i /= j /\ role[i] = "Leader" /\ role[j] = "Leader"

\* Two candidates of the same term: a split vote.
SplitVote ==
    \E i, j \in Server :
        /\ i /= j /\ role[i] = "Candidate" /\ role[j] = "Candidate"
        /\ currentTerm[i] = currentTerm[j]

\* A pre-candidate holds a quorum of pre-votes.
PreVoteQuorum ==
    \E i \in Server : role[i] = "PreCandidate" /\ IsQuorumOf(ConfigOf(i), votesGranted[i])

\* An AppendEntriesRequest of a deposed leader is in flight to a server of a later term.
StaleAppendEntries ==
    \E m \in DOMAIN messages : m.type = "AppendEntriesRequest" /\ m.term < currentTerm[m.to]

\* Two copies of one message are in flight.
DuplicateInFlight == \E m \in DOMAIN messages : messages[m] > 1

\* A leader has committed an entry that it has not written yet: followers' durable copies made
\* the quorum (thesis 10.2.1).
LeaderCommitsBeforeOwnWrite ==
    \E i \in Server : role[i] = "Leader" /\ commitIndex[i] > durableLength[i]

\* A follower holds a success reply until its write completes.
AckHeldForWrite == \E i \in Server : pendingAcks[i] /= {}

\* A restart lost entries of the log: an AppendEntriesRequest a server sent in its current term
\* carries an entry beyond the end of its log. A leader's log only grows in its term and no other
\* server leads that term, so only a restart (after the leader sent an entry in parallel with
\* writing it) shrinks it; the message in flight is the witness the state keeps.
RestartLosesTail ==
    \E m \in DOMAIN messages :
        /\ m.type = "AppendEntriesRequest"
        /\ m.term = currentTerm[m.from]
        /\ m.prevLogIndex + Len(m.entries) > Len(log[m.from])

\* A read was served.
ReadServed == lastRead.term > 0

\* A read served in a later term that had to return an entry committed before it began: its leader
\* was elected after a commit and first had to commit an entry of its own term.
ReadServedAfterLeaderChange == lastRead.term >= 2 /\ lastRead.start > 0

\* A pending read round has been confirmed by a peer's response (not only by the leader itself).
ReadConfirmedByPeer == \E i \in Server : \E r \in pendingReads[i] : r.acks /= {i}

\* A leader holds a read round confirmed by a quorum that it may not serve yet: its state machine
\* has not applied the round's index.
ReadWaitsForApply ==
    \E i \in Server : \E r \in pendingReads[i] :
        role[i] = "Leader" /\ IsQuorumOf(ConfigOf(i), r.acks) /\ appliedIndex[i] < r.index

\* A transfer election is under way while the leader that asked for it still leads: a vote request
\* of a transfer is in flight, of the term after a leader's.
TransferElection ==
    \E m \in DOMAIN messages :
        /\ m.type = "RequestVoteRequest" /\ m.transfer
        /\ \E l \in Server : role[l] = "Leader" /\ currentTerm[l] = m.term - 1

\* The target of a transfer won: a leader of term t whose own vote request of term t, still in
\* flight to a voter it did not need, is a transfer request (only HandleTimeoutNow sends those, and
\* a server campaigns at most once per term, so its election in t began with a TimeoutNow).
TransferTargetLeads ==
    \E m \in DOMAIN messages :
        /\ m.type = "RequestVoteRequest" /\ m.transfer
        /\ role[m.from] = "Leader" /\ currentTerm[m.from] = m.term

\* A server has compacted its log.
SnapshotTaken == \E i \in Server : snapshotIndex[i] > 0

\* The configuration i's committed prefix puts in force, and whether it comes from a config entry.
CommittedConfig(i) == ConfigOfLog(Prefix(i, commitIndex[i]))

\* A learner was added and holds entries: a committed configuration of some server has a learner
\* whose log is not empty (it caught up from the leader, counted in no quorum).
LearnerAdded ==
    \E i, j \in Server : j \in CommittedConfig(i).learners /\ Len(log[j]) > 0

\* A joint configuration is committed (by a majority of both halves).
JointCommitted ==
    \E i \in Server : \E n \in 1 .. commitIndex[i] :
        IsConfigEntry(log[i][n]) /\ IsJoint(log[i][n].config)

\* A leader whose committed configuration, not joint and the result of a change, has removed it:
\* C_new is committed while the leader of the joint phase, not in it, still leads (it may step
\* down now, or go on until it does).
LeaderRemoved ==
    \E l \in Server :
        /\ role[l] = "Leader"
        /\ LastConfigIndex(Prefix(l, commitIndex[l])) > 0
        /\ ~IsJoint(CommittedConfig(l))
        /\ l \notin CommittedConfig(l).voters

\* A leader holds a lease (RenewLease).
LeaseRenewed == \E i \in Server : lease[i] > 0

\* An election held off by a promise: a vote request is in flight that its receiver's promise
\* forbids it to handle (it can only drop it), so the campaign that sent it cannot win that vote.
VoteBlockedByPromise ==
    \E m \in DOMAIN messages : m.type = "RequestVoteRequest" /\ PromiseBlocksVote(m.to, m)

\* A leader holds a follower's forwarded read round, confirmed by a quorum (it may answer it).
ForwardedRoundConfirmed ==
    \E l \in Server : \E r \in pendingReads[l] :
        role[l] = "Leader" /\ r.origin /= l /\ IsQuorumOf(ConfigOf(l), r.acks)

\* A ReadIndexResponse has reached a server whose state machine has not applied its index yet: the
\* follower must wait before it serves the read.
ReadIndexResponseWaitsForApply ==
    \E m \in DOMAIN messages : m.type = "ReadIndexResponse" /\ appliedIndex[m.to] < m.index

\* By name, so that only the scenarios a worker has not reported yet are evaluated.
\* (ScenarioNames orders the announcement; ScenarioSet, a constant, is computed once.)
ScenarioNames ==
    <<"LeaderHoldsEarlierCommit", "DivergentLogs", "ConflictTermHint", "CommandCommitted",
      "FollowerCommitted", "Pipelined", "TwoLeaders", "SplitVote", "PreVoteQuorum",
      "StaleAppendEntries", "DuplicateInFlight", "LeaderCommitsBeforeOwnWrite", "AckHeldForWrite",
      "RestartLosesTail", "ReadServed", "ReadServedAfterLeaderChange", "ReadConfirmedByPeer",
      "ReadWaitsForApply", "TransferElection", "TransferTargetLeads", "SnapshotTaken",
      "LearnerAdded", "JointCommitted", "LeaderRemoved", "LeaseRenewed", "VoteBlockedByPromise",
      "ForwardedRoundConfirmed", "ReadIndexResponseWaitsForApply">>
ScenarioSet == {ScenarioNames[k] : k \in 1 .. Len(ScenarioNames)}
ScenarioHolds(s) ==
    CASE s = "LeaderHoldsEarlierCommit" -> LeaderHoldsEarlierCommit
      [] s = "DivergentLogs" -> DivergentLogs
      [] s = "ConflictTermHint" -> ConflictTermHint
      [] s = "CommandCommitted" -> CommandCommitted
      [] s = "FollowerCommitted" -> FollowerCommitted
      [] s = "Pipelined" -> Pipelined
      [] s = "TwoLeaders" -> TwoLeaders
      [] s = "SplitVote" -> SplitVote
      [] s = "PreVoteQuorum" -> PreVoteQuorum
      [] s = "StaleAppendEntries" -> StaleAppendEntries
      [] s = "DuplicateInFlight" -> DuplicateInFlight
      [] s = "LeaderCommitsBeforeOwnWrite" -> LeaderCommitsBeforeOwnWrite
      [] s = "AckHeldForWrite" -> AckHeldForWrite
      [] s = "RestartLosesTail" -> RestartLosesTail
      [] s = "ReadServed" -> ReadServed
      [] s = "ReadServedAfterLeaderChange" -> ReadServedAfterLeaderChange
      [] s = "ReadConfirmedByPeer" -> ReadConfirmedByPeer
      [] s = "ReadWaitsForApply" -> ReadWaitsForApply
      [] s = "TransferElection" -> TransferElection
      [] s = "TransferTargetLeads" -> TransferTargetLeads
      [] s = "SnapshotTaken" -> SnapshotTaken
      [] s = "LearnerAdded" -> LearnerAdded
      [] s = "JointCommitted" -> JointCommitted
      [] s = "LeaderRemoved" -> LeaderRemoved
      [] s = "LeaseRenewed" -> LeaseRenewed
      [] s = "VoteBlockedByPromise" -> VoteBlockedByPromise
      [] s = "ForwardedRoundConfirmed" -> ForwardedRoundConfirmed
      [] s = "ReadIndexResponseWaitsForApply" -> ReadIndexResponseWaitsForApply

(* Step scenarios: what a single step does, which no state shows (an install that *)
(* kept entries looks like any log with a snapshot). With the action constraint   *)
(* ReportSteps (the snapshot configurations), TLC prints "reached <name>" the     *)
(* first time one of its workers generates such a step (register 2 holds the     *)
(* names the worker reported). Reported like the state scenarios.                *)

\* The step installs a snapshot at a server: its snapshot index and commit index rise together
\* (TakeSnapshot leaves the commit index alone; AppendEntries leaves the snapshot index alone).
InstallsAt(i) == snapshotIndex'[i] > snapshotIndex[i] /\ commitIndex'[i] > commitIndex[i]

\* A follower installed a snapshot.
InstallSnapshotDelivered == \E i \in Server : InstallsAt(i)

\* An install kept the follower's entries after the snapshot's index (the follower held the
\* snapshot's last entry, durably, with its term).
SnapshotSuffixKept == \E i \in Server : InstallsAt(i) /\ Len(log'[i]) > snapshotIndex'[i]

\* The number of copies of m in the bag b (Bags' CopiesIn needs m in the bag).
CountIn(b, m) == IF m \in DOMAIN b THEN b[m] ELSE 0

\* A done chunk at or below its receiver's commit index, of a term the receiver accepts, was
\* handled (consumed and answered done): it installed nothing.
StaleSnapshotIgnored ==
    \E m \in DOMAIN messages :
        /\ m.type = "InstallSnapshotRequest" /\ m.done
        /\ m.term >= currentTerm[m.to] /\ m.snapshotIndex <= commitIndex[m.to]
        /\ CountIn(messages', m) < messages[m]
        /\ LET r == InstallSnapshotResponse(m.term, m.to, m.from, m.snapshotIndex, TRUE)
           IN CountIn(messages', r) > CountIn(messages, r)

\* A leader's commit index rises to an entry it appended after it compacted its log, and the quorum
\* that holds that entry needs a follower whose own log is compacted: the follower went on
\* replicating after its snapshot (in quick-snapshot, where followers are the ones that install,
\* typically one that installed the leader's; a state cannot tell an installed snapshot from one the
\* follower took itself, see spec/README.md).
LeaderCommitsAfterInstall ==
    \E l, j \in Server :
        /\ l /= j /\ role[l] = "Leader" /\ role'[l] = "Leader"
        /\ commitIndex'[l] > commitIndex[l]
        /\ commitIndex'[l] > snapshotIndex[l] /\ snapshotIndex[l] > 0
        /\ snapshotIndex[j] > 0
        /\ matchIndex[l][j] >= commitIndex'[l]
        /\ ~IsQuorumOf(ConfigOf(l), Agree(l, commitIndex'[l]) \ {j})

\* A leader's commit index rises with a quorum that needs a server outside InitVoters: a learner
\* promoted to voter (the only way such a server becomes one) is counted toward a commit.
PromotedLearnerCounted ==
    \E l, j \in Server :
        /\ j \notin InitVoters
        /\ role[l] = "Leader" /\ role'[l] = "Leader"
        /\ commitIndex'[l] > commitIndex[l]
        /\ matchIndex[l][j] >= commitIndex'[l]
        /\ ~IsQuorumOf(ConfigOf(l), Agree(l, commitIndex'[l]) \ {j})

\* Leader i serves a lease read: a round taken by LeaseRead leaves its pending rounds while it
\* still leads (only ServeRead does that; a lease round's acks are already every voter, so an
\* AppendEntries response leaves it as it is).
ServesLeaseRead(i, r) ==
    /\ r \in pendingReads[i] /\ r.lease
    /\ role'[i] = "Leader"
    /\ pendingReads'[i] = pendingReads[i] \ {r}

\* A lease read is served.
LeaseReadServed == \E i \in Server : \E r \in pendingReads[i] : ServesLeaseRead(i, r)

\* A lease read is served in term >= 2 that had to return an entry committed before it began.
LeaseReadServedAfterLeaderChange ==
    \E i \in Server : \E r \in pendingReads[i] :
        ServesLeaseRead(i, r) /\ currentTerm[i] >= 2 /\ r.start > 0

\* A promise runs out while its leader still leads and holds a lease: the lease rests on a later
\* round than the one the promise was last renewed in (PromiseMayExpire).
PromiseExpiredUnderLease ==
    \E i, l \in Server :
        /\ PromiseHolds(i) /\ promise'[i] = NoPromise
        /\ role[l] = "Leader" /\ currentTerm[l] = promise[i].term /\ lease[l] > 0

\* A leader whose lease expired rests a new one on a round: it held a lease before in this
\* leadership (a lease read's round is pending, and only a lease lets LeaseRead take one), and its
\* lease is 0 (while it leads only ExpireLease ends a lease, and ProposeConfig, which quick-lease
\* does not have).
LeaseRenewedAfterExpiry ==
    \E i \in Server :
        /\ role[i] = "Leader" /\ lease[i] = 0 /\ lease'[i] > 0
        /\ \E r \in pendingReads[i] : r.lease

\* A server serves a forwarded read: the step consumes a ReadIndexResponse to it and changes the
\* ghost of the last read (only HandleReadIndexResponse does both; ServeRead sends and consumes
\* nothing, DropMessage leaves lastRead alone).
ServesForwardedRead(m) ==
    /\ m.type = "ReadIndexResponse"
    /\ CountIn(messages', m) < messages[m]
    /\ lastRead' /= lastRead

\* A follower serves a read through the leader's ReadIndex.
FollowerReadServed ==
    \E m \in DOMAIN messages : ServesForwardedRead(m) /\ role[m.to] = "Follower"

\* A follower serves a read that a leader of term >= 2 answered and that had to return an entry
\* committed before it began (start > 0).
FollowerReadServedAfterLeaderChange ==
    \E m \in DOMAIN messages :
        ServesForwardedRead(m) /\ role[m.to] = "Follower" /\ m.term >= 2 /\ m.start > 0

StepScenarioNames ==
    <<"InstallSnapshotDelivered", "SnapshotSuffixKept", "StaleSnapshotIgnored",
      "LeaderCommitsAfterInstall", "PromotedLearnerCounted">>
LeaseStepScenarioNames ==
    <<"LeaseReadServed", "LeaseReadServedAfterLeaderChange", "PromiseExpiredUnderLease",
      "LeaseRenewedAfterExpiry">>
FollowerReadStepScenarioNames == <<"FollowerReadServed", "FollowerReadServedAfterLeaderChange">>
StepScenarioSet == {StepScenarioNames[k] : k \in 1 .. Len(StepScenarioNames)}

\* Init, announcing every scenario and clearing each worker's registers 1 and 2 (the names it
\* reported).
MCInit ==
    /\ Init
    /\ \A k \in 1 .. Len(ScenarioNames) : PrintT("scenario " \o ScenarioNames[k])
    /\ \A k \in 1 .. Len(StepScenarioNames) : PrintT("scenario " \o StepScenarioNames[k])
    /\ \A k \in 1 .. Len(LeaseStepScenarioNames) : PrintT("scenario " \o LeaseStepScenarioNames[k])
    /\ \A k \in 1 .. Len(FollowerReadStepScenarioNames) :
          PrintT("scenario " \o FollowerReadStepScenarioNames[k])
    /\ TLCSet(1, {})
    /\ TLCSet(2, {})

\* Reports the step scenario name if this step meets it (holds) and this worker has not yet.
ReportStep(name, holds) ==
    \/ name \in TLCGet(2)
    \/ ~holds
    \/ /\ TLCSet(2, TLCGet(2) \cup {name})
       /\ PrintT("reached " \o name)

\* An action constraint that always holds: reports the step scenarios this step meets that this
\* worker has not reported yet. Cheap once all are reported. Steps into states outside the bounds
\* are not counted. (Each scenario spelt out: TLC did not evaluate the primed variables of a
\* scenario chosen by name inside a set comprehension.)
ReportSteps ==
    \/ TLCGet(2) = StepScenarioSet
    \/ ~(StateConstraint')
    \/ /\ ReportStep("InstallSnapshotDelivered", InstallSnapshotDelivered)
       /\ ReportStep("SnapshotSuffixKept", SnapshotSuffixKept)
       /\ ReportStep("StaleSnapshotIgnored", StaleSnapshotIgnored)
       /\ ReportStep("LeaderCommitsAfterInstall", LeaderCommitsAfterInstall)
       /\ ReportStep("PromotedLearnerCounted", PromotedLearnerCounted)

\* ReportSteps for the lease step scenarios (ACTION_CONSTRAINT ReportLeaseSteps: quick-lease). Apart,
\* so that neither configuration evaluates the other's step scenarios at every step.
LeaseStepScenarioSet == {LeaseStepScenarioNames[k] : k \in 1 .. Len(LeaseStepScenarioNames)}
ReportLeaseSteps ==
    \/ LeaseStepScenarioSet \subseteq TLCGet(2)
    \/ ~(StateConstraint')
    \/ /\ ReportStep("LeaseReadServed", LeaseReadServed)
       /\ ReportStep("LeaseReadServedAfterLeaderChange", LeaseReadServedAfterLeaderChange)
       /\ ReportStep("PromiseExpiredUnderLease", PromiseExpiredUnderLease)
       /\ ReportStep("LeaseRenewedAfterExpiry", LeaseRenewedAfterExpiry)

\* ReportSteps for the follower-read step scenarios (ACTION_CONSTRAINT ReportFollowerReadSteps:
\* quick-follower-read).
FollowerReadStepScenarioSet ==
    {FollowerReadStepScenarioNames[k] : k \in 1 .. Len(FollowerReadStepScenarioNames)}
ReportFollowerReadSteps ==
    \/ FollowerReadStepScenarioSet \subseteq TLCGet(2)
    \/ ~(StateConstraint')
    \/ /\ ReportStep("FollowerReadServed", FollowerReadServed)
       /\ ReportStep("FollowerReadServedAfterLeaderChange", FollowerReadServedAfterLeaderChange)

\* An invariant that always holds: reports the scenarios that hold in this state and that this
\* worker has not reported yet. (As an invariant it runs once per new state; as a constraint it
\* ran once per generated state, which made the whole search several times slower.) TLC 2.18
\* also checks invariants on a successor that the state constraint then excludes, hence the
\* first disjunct.
ReportScenarios ==
    \/ ~StateConstraint
    \/ LET new == {s \in ScenarioSet \ TLCGet(1) : ScenarioHolds(s)}
       IN \/ new = {}
          \/ /\ TLCSet(1, TLCGet(1) \cup new)
             /\ \A s \in new : PrintT("reached " \o s)


=============================================================================
