-------------------------------- MODULE Raft --------------------------------
(***************************************************************************)
(* Raft (Ongaro & Ousterhout 2014; Ongaro's thesis 2014) as raftkv's core   *)
(* implements it: PreVote (thesis 9.6), leader stickiness and CheckQuorum   *)
(* (9.6; both nondeterministic here: ignoring a vote request is a          *)
(* DropMessage, stepping down is StepDown), the no-op a new leader appends *)
(* (6.4), conflict-term backtracking of nextIndex, pipelined               *)
(* AppendEntries, restart with durable currentTerm/votedFor/log/commitIndex *)
(* and a network that loses, duplicates and reorders messages.             *)
(*                                                                         *)
(* Reads (thesis 6.4, ReadIndex): a leader that has committed an entry of  *)
(* its term records its commit index as a read round, confirms it is still *)
(* leader by a quorum of AppendEntries responses to requests sent after the *)
(* round began (their readId), waits until its state machine has applied   *)
(* the round's index, and serves the read. appliedIndex is what the state  *)
(* machine has been handed; lastRead is a ghost of the last read served.   *)
(*                                                                         *)
(* Persistence (constant AsyncPersist). FALSE: every log change is durable *)
(* in the step that makes it. TRUE: the log is written asynchronously, as  *)
(* the core does it (thesis 10.2.1: the leader sends its new entries in    *)
(* parallel with writing them): durableLength[i] is how much of log[i] the *)
(* server knows to be on disk, PersistLog raises it, a follower holds its  *)
(* success replies in pendingAcks until the entries they vouch for are     *)
(* durable, a leader counts itself toward a quorum only up to its durable  *)
(* length, and Restart recovers a prefix at least that long. currentTerm   *)
(* and votedFor are always written before anything that depends on them    *)
(* leaves the node, so they stay durable in both modes.                    *)
(*                                                                         *)
(* Leadership transfer (thesis 3.10): a leader sends TimeoutNow to a peer  *)
(* whose log it knows to hold all of its own; the peer, if it still follows*)
(* the leader's term, campaigns at once in the next term (no pre-vote),    *)
(* with vote requests marked transfer. Voters apply the usual rules.       *)
(*                                                                         *)
(* Snapshots (log compaction, thesis 5.1; InstallSnapshot, 5.3): a server *)
(* may compact its applied prefix into a snapshot (TakeSnapshot: only      *)
(* snapshotIndex moves). log[i] keeps the whole sequence as a ghost: its   *)
(* entries 1..snapshotIndex[i] are the snapshot's content (the state       *)
(* machine is a function of that committed prefix). No action reads an    *)
(* entry below snapshotIndex[i] except as that content (InstallSnapshot-   *)
(* Request carries it in its ghost field log); the term AT snapshotIndex   *)
(* stays readable (the core keeps it, as etcd does), and the scans for     *)
(* conflict hints look only above it. A leader whose next entry for a peer *)
(* is compacted sends the snapshot instead (SendInstallSnapshot), in       *)
(* chunks of which only the last (done) changes the follower's state.      *)
(*                                                                         *)
(* Membership (thesis 4.3, joint consensus, with learners as etcd's        *)
(* ConfState): a configuration is [voters, outgoing, learners]; outgoing   *)
(* /= {} makes it joint (C_old,new: voters = C_new, outgoing = C_old), and *)
(* then every decision needs a majority of both halves (IsQuorumOf).       *)
(* Learners receive the log but are counted in no quorum and never         *)
(* campaign. Configurations are log entries [term, value = 0, config], in  *)
(* force from the moment they are appended, committed or not (thesis 4.1): *)
(* a server's configuration is that of the last config entry of its whole  *)
(* (ghost) log, else the initial one, whose voters are InitVoters; a cut   *)
(* that removes a config entry reverts it. A leader appends one            *)
(* (ProposeConfig) only when its last one is committed: add or remove a    *)
(* learner, enter a joint configuration (new voters only from the voters   *)
(* and learners), or leave the joint one. A leader removed by a change     *)
(* keeps leading through the joint phase, not counting itself for the half *)
(* it is not in; stepping down afterwards is StepDown.                     *)
(*                                                                         *)
(* Leases (constant LeaseReads; thesis 6.4.1). Time is not modelled; its   *)
(* one consequence is. A follower that hears the leader of term t in read  *)
(* round r (an AppendEntries carrying readId r) promises not to help       *)
(* replace it: while promise[i] holds (term /= 0) it neither campaigns nor *)
(* grants a vote of a term above the promised one (a transfer's aside).    *)
(* The core's promise lasts an election timeout from the hearing, longer   *)
(* than a lease that began with round r or earlier can last (the lease is *)
(* shorter by the drift bound), so ExpirePromise is enabled only when no   *)
(* lease rests on the promise. A leader whose round r a quorum confirmed,  *)
(* each of them still promised for r, may rest its lease on r              *)
(* (RenewLease); while it holds one it may take a read at its commit index *)
(* with no round of messages (LeaseRead); ExpireLease ends it at any time. *)
(* A transfer gives the lease up for the rest of the term (the target's    *)
(* vote requests pass every promise), a configuration change drops it (its *)
(* quorum was of the old configuration), a restart keeps the promise (the  *)
(* core holds a fresh one for an election timeout after it starts).        *)
(*                                                                         *)
(* Follower reads (constant FollowerReads; thesis 6.4, etcd's MsgReadIndex *)
(* forwarding). A follower takes a read by sending ReadIndexRequest to the *)
(* leader (ForwardRead); the leader, once it has committed an entry of its *)
(* term, begins a new read round of its own for it (never joins one in     *)
(* progress: a round that began before the request arrived may miss what   *)
(* was committed in between), whose origin is the follower; once a quorum  *)
(* confirms the round the leader answers with the round's index            *)
(* (SendReadIndexResponse), without waiting for its own apply, and the     *)
(* follower serves the read once its state machine has applied that index  *)
(* (HandleReadIndexResponse). Neither message changes a term or a role.    *)
(*                                                                         *)
(* Every action is an operator with explicit parameters, named as in the   *)
(* table of spec/README.md: the Java core emits one event per action, and  *)
(* TraceRaft.tla replays those events by conjoining the named action.      *)
(* Model-checking bounds live in MCRaft.tla, never here, so traces with    *)
(* large terms and logs can be validated against the same actions.         *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets

CONSTANTS
    Server,     \* the servers: model values for model checking, 1..N in traces
    Nil,        \* "no vote": a model value, 0 in traces
    PreVote,    \* BOOLEAN: elections start with a pre-vote round (thesis 9.6)
    AsyncPersist, \* BOOLEAN: log writes complete after the step that makes them (see above)
    LeaseReads, \* BOOLEAN: leaders serve reads by a lease, servers keep promises (see "Leases")
    FollowerReads, \* BOOLEAN: followers read through the leader's ReadIndex (see "Follower reads")
    InitVoters  \* the voters of the initial configuration (see "Membership" above)

ASSUME Nil \notin Server /\ PreVote \in BOOLEAN /\ AsyncPersist \in BOOLEAN /\ LeaseReads \in BOOLEAN
       /\ FollowerReads \in BOOLEAN
ASSUME InitVoters \subseteq Server /\ InitVoters /= {}

VARIABLES
    currentTerm,    \* [Server -> Nat], durable
    votedFor,       \* [Server -> Server \cup {Nil}], durable
    role,           \* [Server -> Roles]
    log,            \* [Server -> Seq(Entry)], durable
    commitIndex,    \* [Server -> Nat], durable (like etcd's HardState.commit); with
                    \* AsyncPersist written asynchronously, so a restart may recover less
    durableLength,  \* [Server -> Nat]: log[i][1..durableLength[i]] is known to be on disk
    pendingAcks,    \* [Server -> set of AppendEntriesResponse]: success replies held until
                    \* the entries they acknowledge are durable (always {} without AsyncPersist)
    votesGranted,   \* [Server -> SUBSET Server]: (pre-)votes while (Pre)Candidate, else {}
    nextIndex,      \* [Server -> [Server -> Nat]]: a leader's next entry to send to each peer
    matchIndex,     \* [Server -> [Server -> Nat]]: a leader's highest entry known replicated
    messages,       \* the network: a bag, [message -> number of copies >= 1]
    appliedIndex,   \* [Server -> Nat]: entries handed to the state machine (volatile)
    readSeq,        \* [Server -> Nat]: id of the leader's latest read round (0 when not leading)
    pendingReads,   \* [Server -> set of read rounds [id, index, acks, start, lease, origin]]
                    \* awaiting confirmation by a quorum and the apply of their index; origin is
                    \* the server whose read it is (the leader itself, or a follower that forwarded it)
    lastRead,       \* ghost: the last read served, [index, start, term] (see ServeRead)
    snapshotIndex,  \* [Server -> Nat], durable: log[i][1..snapshotIndex[i]] is compacted into a
                    \* snapshot (0: none); see "Snapshots" below
    lease,          \* [Server -> Int]: the read round a leader's lease rests on; 0: none, -1: given
                    \* up for the rest of the term (a transfer); see "Leases" below
    promise         \* [Server -> [term, round]]: the leader of term `term` this server promised not
                    \* to replace, last heard in read round `round`; term 0: no promise

serverVars == <<currentTerm, votedFor, role, promise>>
logVars == <<log, commitIndex, snapshotIndex>>  \* the snapshot is part of the durable log
candidateVars == <<votesGranted>>
leaderVars == <<nextIndex, matchIndex>>
persistVars == <<durableLength, pendingAcks>>
readVars == <<readSeq, pendingReads, lease>>   \* a leader's read rounds and lease, reset with leaderVars
applyVars == <<appliedIndex, lastRead>>        \* the state machine and the ghost of reads
vars == <<currentTerm, votedFor, role, log, commitIndex, votesGranted, nextIndex, matchIndex,
          messages, durableLength, pendingAcks, appliedIndex, readSeq, pendingReads, lastRead,
          snapshotIndex, lease, promise>>

Roles == {"Follower", "PreCandidate", "Candidate", "Leader"}

-----------------------------------------------------------------------------
(* Helpers *)

Min(a, b) == IF a <= b THEN a ELSE b
Max(a, b) == IF a >= b THEN a ELSE b
MaxOf(S) == CHOOSE x \in S : \A y \in S : x >= y
MinOf(S) == CHOOSE x \in S : \A y \in S : x <= y

\* Configurations (thesis 4.3; etcd's ConfState). [voters, outgoing, learners]: not joint when
\* outgoing = {}; joint (C_old,new) when outgoing = C_old's voters and voters = C_new's.
Config == [voters : SUBSET Server, outgoing : SUBSET Server, learners : SUBSET Server]
InitConfig == [voters |-> InitVoters, outgoing |-> {}, learners |-> {}]
IsJoint(c) == c.outgoing /= {}
\* The servers whose votes and replicas count (in one half or the other).
Voters(c) == c.voters \cup c.outgoing
\* The servers the leader replicates to.
Members(c) == Voters(c) \cup c.learners

\* S holds a majority of the voter set V. (With V = Server this is the majority of Server that
\* decided everything before configurations.)
IsMajorityOf(V, S) == Cardinality(S \cap V) * 2 > Cardinality(V)

\* S decides in configuration c: a majority of its voters and, if c is joint, of its outgoing
\* voters too. A server outside a half (a learner, a removed voter, a leader removed by the
\* change) counts nothing toward that half.
IsQuorumOf(c, S) ==
    /\ IsMajorityOf(c.voters, S)
    /\ IF IsJoint(c) THEN IsMajorityOf(c.outgoing, S) ELSE TRUE

\* A config entry carries a configuration; every other entry is [term, value].
IsConfigEntry(e) == "config" \in DOMAIN e
\* The indexes of a log's config entries. (Where trace-check's jar is on TLC's class path, as in
\* trace validation, TLC runs this scan of the whole ghost log as a Java body, RaftOperators,
\* which its RaftOperatorsTest holds to this definition.)
ConfigIndexes(lg) == {n \in 1 .. Len(lg) : IsConfigEntry(lg[n])}
\* The index of the last config entry of a log (0: none).
LastConfigIndex(lg) ==
    LET idx == ConfigIndexes(lg)
    IN IF idx = {} THEN 0 ELSE MaxOf(idx)
\* The configuration a log puts in force: its last config entry's, committed or not (thesis 4.1),
\* else the initial one. The whole ghost log counts, compacted entries included (a snapshot's
\* configuration is the last one at or below its index).
ConfigOfLog(lg) ==
    LET k == LastConfigIndex(lg) IN IF k = 0 THEN InitConfig ELSE lg[k].config
ConfigOf(i) == ConfigOfLog(log[i])

LastTerm(lg) == IF Len(lg) = 0 THEN 0 ELSE lg[Len(lg)].term
TermAt(lg, n) == IF n = 0 THEN 0 ELSE lg[n].term
\* The scans of the log for conflict hints look only at indexes above the snapshot index s, as the
\* core's RaftLog does (firstIndexOfTermAt stops at snapshotIndex + 1, lastIndexOfTerm finds
\* nothing below it): the compacted entries are not there to read.
FirstIndexOfTerm(lg, s, t) == MinOf({n \in s + 1 .. Len(lg) : lg[n].term = t})
LastIndexOfTerm(lg, s, t) == MaxOf({n \in s + 1 .. Len(lg) : lg[n].term = t})
HasTerm(lg, s, t) == \E n \in s + 1 .. Len(lg) : lg[n].term = t

\* The network. A bag holds only positive counts: a message whose last copy is removed leaves
\* the domain, so equal networks are equal values.
WithMessage(m, msgs) ==
    IF m \in DOMAIN msgs THEN [msgs EXCEPT ![m] = @ + 1]
    ELSE [k \in DOMAIN msgs \cup {m} |-> IF k = m THEN 1 ELSE msgs[k]]
WithoutMessage(m, msgs) ==
    IF msgs[m] > 1 THEN [msgs EXCEPT ![m] = @ - 1]
    ELSE [k \in DOMAIN msgs \ {m} |-> msgs[k]]
\* One more copy of each message of the set new.
WithMessages(new, msgs) ==
    [k \in DOMAIN msgs \cup new |->
        (IF k \in DOMAIN msgs THEN msgs[k] ELSE 0) + (IF k \in new THEN 1 ELSE 0)]
Send(m) == messages' = WithMessage(m, messages)
Discard(m) == messages' = WithoutMessage(m, messages)
\* Consumes the request and sends the response, in one step.
Reply(response, request) == messages' = WithMessage(response, WithoutMessage(request, messages))
\* Where i's vote requests go: the other voters of its configuration (both halves when joint).
VoteTargets(i) == Voters(ConfigOf(i)) \ {i}
\* Sends one message built by F to every other voter of i's configuration (they differ in `to`).
Broadcast(i, F(_)) == messages' = WithMessages({F(j) : j \in VoteTargets(i)}, messages)
\* Consumes the request m and, in the same step, broadcasts as Broadcast does.
ConsumeAndBroadcast(m, i, F(_)) ==
    messages' = WithMessages({F(j) : j \in VoteTargets(i)}, WithoutMessage(m, messages))

-----------------------------------------------------------------------------
(* Messages: one constructor per type; field names = trace fields. *)

\* transfer: TRUE only in the requests of an election begun by HandleTimeoutNow.
RequestVoteRequest(term, from, to, prevote, lastLogIndex, lastLogTerm, transfer) ==
    [type |-> "RequestVoteRequest", term |-> term, from |-> from, to |-> to,
     prevote |-> prevote, lastLogIndex |-> lastLogIndex, lastLogTerm |-> lastLogTerm,
     transfer |-> transfer]

RequestVoteResponse(term, from, to, prevote, voteGranted) ==
    [type |-> "RequestVoteResponse", term |-> term, from |-> from, to |-> to,
     prevote |-> prevote, voteGranted |-> voteGranted]

\* readId: the sender's readSeq when it sent the request (its latest read round); the response
\* echoes the readId of the request it answers.
AppendEntriesRequest(term, from, to, prevLogIndex, prevLogTerm, entries, commit, readId) ==
    [type |-> "AppendEntriesRequest", term |-> term, from |-> from, to |-> to,
     prevLogIndex |-> prevLogIndex, prevLogTerm |-> prevLogTerm, entries |-> entries,
     commitIndex |-> commit, readId |-> readId]

AppendEntriesResponse(term, from, to, success, match, conflictTerm, conflictIndex, readId) ==
    [type |-> "AppendEntriesResponse", term |-> term, from |-> from, to |-> to,
     success |-> success, matchIndex |-> match, conflictTerm |-> conflictTerm,
     conflictIndex |-> conflictIndex, readId |-> readId]

\* The leader of term `term` asks `to` to campaign at once (leadership transfer, thesis 3.10).
TimeoutNow(term, from, to) == [type |-> "TimeoutNow", term |-> term, from |-> from, to |-> to]

\* One chunk of the leader's snapshot (thesis 5.3 / Figure 5.3). done: the last chunk, the only one
\* that changes the receiver's state (byte offsets and data are invisible to the spec). log is a
\* ghost: the snapshot's content, the sender's entries 1..snapshotIndex (traces do not carry it).
InstallSnapshotRequest(term, from, to, idx, idxTerm, done, lg) ==
    [type |-> "InstallSnapshotRequest", term |-> term, from |-> from, to |-> to,
     snapshotIndex |-> idx, snapshotTerm |-> idxTerm, done |-> done, log |-> lg]

\* done: the answer to a done chunk (the receiver holds every entry up to snapshotIndex, committed).
InstallSnapshotResponse(term, from, to, idx, done) ==
    [type |-> "InstallSnapshotResponse", term |-> term, from |-> from, to |-> to,
     snapshotIndex |-> idx, done |-> done]

\* A follower's read, forwarded to the leader (ForwardRead). start is a ghost: what was committed
\* anywhere when the follower's read began (MaxCommitted), carried into the leader's round and back.
ReadIndexRequest(term, from, to, start) ==
    [type |-> "ReadIndexRequest", term |-> term, from |-> from, to |-> to, start |-> start]

\* The leader's answer to a forwarded read once a quorum confirmed its round: index is the round's
\* (its commit index when the round began); start is the request's ghost.
ReadIndexResponse(term, from, to, index, start) ==
    [type |-> "ReadIndexResponse", term |-> term, from |-> from, to |-> to, index |-> index,
     start |-> start]

\* m is in flight from j to i and has the given type.
Receivable(i, j, m, type) ==
    /\ m \in DOMAIN messages
    /\ m.type = type
    /\ m.to = i
    /\ m.from = j

-----------------------------------------------------------------------------
(* Rules that mutants (spec/mutants/) replace through `Op <- MutantOp` in their .cfg. *)

\* Election restriction (5.4.1): a candidate's log is at least as up to date as i's.
LogUpToDate(i, m) ==
    \/ m.lastLogTerm > LastTerm(log[i])
    \/ /\ m.lastLogTerm = LastTerm(log[i])
       /\ m.lastLogIndex >= Len(log[i])

\* Only an entry of the leader's current term is committed by counting replicas (5.4.2).
CommitByCounting(i, n) == log[i][n].term = currentTerm[i]

\* i's (pre-)votes after a grant from j. A set: a duplicated grant counts once.
RecordVote(i, j) == votesGranted[i] \cup {j}

\* Whether a follower's success reply with this matchIndex may leave while its log is durable up
\* to durable: only when every entry it acknowledges is on disk, for the leader counts the reply
\* toward a quorum that must survive crashes (5.3, thesis 10.2.1). Otherwise it is held.
AckSendable(match, durable) == match <= durable

\* How much of its own log the leader i counts toward a quorum: only what is on disk (thesis
\* 10.2.1: the leader writes in parallel with replicating and counts itself once its write is done).
LeaderSelfMatch(i) == durableLength[i]

\* The log after accepting entries that follow prevLogIndex (consistency check passed).
\* Entries already present with the same term are kept; the log is truncated only at the first
\* entry whose term differs, so a stale or duplicated request never removes anything (5.3).
\* Entries at or below the snapshot index s are skipped (compacted, hence committed, hence equal
\* to the leader's), as the core's mergeFromLeader does: they are not read.
AppendNewEntries(lg, s, prevLogIndex, entries) ==
    LET conflicts == {k \in 1..Len(entries) :
                        /\ prevLogIndex + k > s
                        /\ \/ prevLogIndex + k > Len(lg)
                           \/ lg[prevLogIndex + k].term /= entries[k].term}
    IN IF conflicts = {} THEN lg
       ELSE LET c == MinOf(conflicts)
            IN SubSeq(lg, 1, prevLogIndex + c - 1) \o SubSeq(entries, c, Len(entries))

\* Whether leader i may begin a read round: it has committed an entry of its own term, so its
\* commit index covers every entry committed in earlier terms (thesis 6.4).
ReadIndexAllowed(i) == TermAt(log[i], commitIndex[i]) = currentTerm[i]

\* Whether read round r of leader i is confirmed: a quorum (i included) answered, in i's term,
\* AppendEntries requests sent after r began, so no other leader had been elected before it.
ReadConfirmed(i, r) == IsQuorumOf(ConfigOf(i), r.acks)

\* Whether i's state machine has applied the entries read round r must see.
ReadApplied(i, r) == appliedIndex[i] >= r.index

\* Whether i's state machine has applied the entries the ReadIndexResponse m says i's forwarded
\* read must see.
ForwardedReadApplied(i, m) == appliedIndex[i] >= m.index

\* How far i may apply: entries that are committed and durable on i.
ApplyBound(i) == Min(commitIndex[i], durableLength[i])

\* Whether leader i may send TimeoutNow to j: j is known to hold i's whole log, so j's log is as
\* up to date as i's and j can win the votes i could (thesis 3.10, step 2). Only a liveness
\* matter: the election restriction applies to transfer votes too.
TransferTargetCaughtUp(i, j) == matchIndex[i][j] = Len(log[i])

\* The term of the election a TimeoutNow starts: the next one, as any election's.
TransferTerm(i) == currentTerm[i] + 1

\* Whether the last chunk m of a snapshot is newer than what i has committed, so that i installs it.
\* A snapshot at or below i's commit index (stale, reordered or duplicated) holds nothing i lacks:
\* installing it would move the commit index and the state machine back.
SnapshotIsNew(i, m) == m.snapshotIndex > commitIndex[i]

\* The configurations that may follow cur (thesis 4.3), exactly one of:
\*  - a learner change (counted in no quorum, so no joint phase): cur not joint, the same voters,
\*    one learner added (a server outside cur) or removed;
\*  - enter joint: cur not joint, c = C_old,new with C_old = cur's voters, C_new nonempty and
\*    different, drawn from cur's voters and learners (a server becomes a voter only from learner),
\*    the promoted ones no longer learners (a removed voter is in outgoing only);
\*  - leave joint: cur joint, c = its C_new with the same learners.
\* Any two quorums of cur and c intersect (a joint c contains cur's quorums; leaving, the joint
\* cur contains c's), which is what a change without the joint phase would lose.
ConfigSuccessor(cur, c) ==
    \/ /\ ~IsJoint(cur)
       /\ c.outgoing = {}
       /\ c.voters = cur.voters
       /\ \/ \E j \in Server \ Members(cur) : c.learners = cur.learners \cup {j}
          \/ \E j \in cur.learners : c.learners = cur.learners \ {j}
    \/ /\ ~IsJoint(cur)
       /\ c.outgoing = cur.voters
       /\ c.voters /= cur.voters
       /\ c.voters /= {}
       /\ c.voters \subseteq cur.voters \cup cur.learners
       /\ c.learners = cur.learners \ c.voters
    \/ /\ IsJoint(cur)
       /\ c = [voters |-> cur.voters, outgoing |-> {}, learners |-> cur.learners]

\* Whether leader i may append configuration c: one change at a time (i's last config entry is
\* committed), and c follows i's configuration.
ConfigChangeAllowed(i, c) ==
    /\ LastConfigIndex(log[i]) <= commitIndex[i]
    /\ ConfigSuccessor(ConfigOf(i), c)

\* No promise: the initial one, and what ExpirePromise leaves.
NoPromise == [term |-> 0, round |-> 0]

\* Whether i's promise holds (always FALSE without LeaseReads).
PromiseHolds(i) == promise[i].term /= 0

\* Whether i may start an election: not while its promise holds, as it would then help replace a
\* leader whose lease may count on it. (A transfer, HandleTimeoutNow, is the leader's own request.)
CampaignAllowed(i) == ~PromiseHolds(i)

\* Whether i's promise forbids it to handle the vote request m, which it then drops (DropMessage): a
\* real vote (not a pre-vote, not a transfer's) of a term above the promised leader's and not below
\* i's own. Not only above i's own: i may have adopted a higher term from a vote response without
\* hearing a leader of it, and a grant in that term would still help replace the promised leader.
PromiseBlocksVote(i, m) ==
    /\ PromiseHolds(i)
    /\ ~m.prevote
    /\ ~m.transfer
    /\ m.term >= currentTerm[i]
    /\ m.term > promise[i].term

\* The servers leader i may count on for a lease resting on round n: itself (it steps down before it
\* votes for another), and every server whose promise to i's term was renewed in round n or later.
PromisedFor(i, n) ==
    {i} \cup {j \in Server : promise[j].term = currentTerm[i] /\ promise[j].round >= n}

\* Whether i's promise may run out: no lease rests on it (a lease ends before the promises it rests
\* on; see "Leases" above).
PromiseMayExpire(i) ==
    ~\E k \in Server : lease[k] > 0 /\ currentTerm[k] = promise[i].term /\ lease[k] <= promise[i].round

\* i heard the leader of term t in read round r (0 for a message that carries no round id): a fresh
\* promise to that leader, renewed to the latest round heard (LeaseReads only).
HoldPromise(i, t, r) ==
    promise' = [promise EXCEPT ![i] =
        IF ~LeaseReads THEN @
        ELSE [term |-> t, round |-> IF @.term = t THEN Max(@.round, r) ELSE r]]

\* What a restart leaves of i's promise: all of it (the core holds a fresh promise from its start).
PromiseAfterRestart(i) == promise[i]

\* What leader i keeps of its lease when it sends TimeoutNow: nothing, for the rest of its term (the
\* target's vote requests pass every promise).
LeaseAfterTransfer(i) == IF LeaseReads THEN -1 ELSE lease[i]

-----------------------------------------------------------------------------
(* State changes shared by several actions. *)

\* i's volatile state as a follower: what a (pre-)candidate or leader forgets when it steps down.
FollowerVolatile(i) ==
    /\ role' = [role EXCEPT ![i] = "Follower"]
    /\ votesGranted' = [votesGranted EXCEPT ![i] = {}]
    /\ nextIndex' = [nextIndex EXCEPT ![i] = [j \in Server |-> 1]]
    /\ matchIndex' = [matchIndex EXCEPT ![i] = [j \in Server |-> 0]]
    /\ readSeq' = [readSeq EXCEPT ![i] = 0]
    /\ pendingReads' = [pendingReads EXCEPT ![i] = {}]
    /\ lease' = [lease EXCEPT ![i] = 0]

\* Held replies are discarded when i's term changes: a reply of an older term could vouch for
\* entries that a leader of the new term has since overwritten.
AcksAfterTerm(i, t) == IF t = currentTerm[i] THEN pendingAcks[i] ELSE {}

\* i has seen term t > currentTerm[i]: adopt it, forget the vote, follow.
AdoptHigherTerm(i, t) ==
    /\ currentTerm' = [currentTerm EXCEPT ![i] = t]
    /\ votedFor' = [votedFor EXCEPT ![i] = Nil]
    /\ pendingAcks' = [pendingAcks EXCEPT ![i] = {}]
    /\ FollowerVolatile(i)

\* i's log becomes lg, whose first `kept` entries are those of log[i]. Without AsyncPersist the
\* new log is durable in the same step; with it, only the durable part of what was kept stays
\* durable, and the rest waits for PersistLog.
SetLog(i, lg, kept) ==
    /\ log' = [log EXCEPT ![i] = lg]
    /\ durableLength' = [durableLength EXCEPT ![i] = IF AsyncPersist THEN Min(@, kept) ELSE Len(lg)]

\* i appends entry e: nothing is cut.
AppendToLog(i, e) == SetLog(i, Append(log[i], e), Len(log[i]))

-----------------------------------------------------------------------------
(* Initial state *)

Init ==
    /\ currentTerm = [i \in Server |-> 0]
    /\ votedFor = [i \in Server |-> Nil]
    /\ role = [i \in Server |-> "Follower"]
    /\ log = [i \in Server |-> << >>]
    /\ commitIndex = [i \in Server |-> 0]
    /\ votesGranted = [i \in Server |-> {}]
    /\ nextIndex = [i \in Server |-> [j \in Server |-> 1]]
    /\ matchIndex = [i \in Server |-> [j \in Server |-> 0]]
    /\ messages = [m \in {} |-> 0]
    /\ durableLength = [i \in Server |-> 0]
    /\ pendingAcks = [i \in Server |-> {}]
    /\ appliedIndex = [i \in Server |-> 0]
    /\ readSeq = [i \in Server |-> 0]
    /\ pendingReads = [i \in Server |-> {}]
    /\ lastRead = [index |-> 0, start |-> 0, term |-> 0]
    /\ snapshotIndex = [i \in Server |-> 0]
    /\ lease = [i \in Server |-> 0]
    /\ promise = [i \in Server |-> NoPromise]

-----------------------------------------------------------------------------
(* Elections *)

\* Election timeout with PreVote: become PreCandidate and ask for pre-votes for the next term,
\* without changing the term (a partitioned node cannot disrupt the cluster when it returns).
Timeout(i) ==
    /\ PreVote
    /\ role[i] /= "Leader"
    /\ i \in Voters(ConfigOf(i))
    /\ CampaignAllowed(i)
    /\ role' = [role EXCEPT ![i] = "PreCandidate"]
    /\ votesGranted' = [votesGranted EXCEPT ![i] = {i}]
    /\ Broadcast(i, LAMBDA j : RequestVoteRequest(currentTerm[i] + 1, i, j, TRUE,
                                                  Len(log[i]), LastTerm(log[i]), FALSE))
    /\ UNCHANGED <<currentTerm, votedFor, promise, logVars, leaderVars, readVars, applyVars,
                   persistVars>>

\* A PreCandidate with a quorum of pre-votes (without PreVote: any non-leader on timeout)
\* starts a real election in the next term, voting for itself. Only a voter of its own
\* configuration campaigns (a learner or a removed server never does).
BecomeCandidate(i) ==
    /\ IF PreVote THEN role[i] = "PreCandidate" /\ IsQuorumOf(ConfigOf(i), votesGranted[i])
                  ELSE role[i] /= "Leader"
    /\ i \in Voters(ConfigOf(i))
    /\ CampaignAllowed(i)
    /\ currentTerm' = [currentTerm EXCEPT ![i] = @ + 1]
    /\ role' = [role EXCEPT ![i] = "Candidate"]
    /\ votedFor' = [votedFor EXCEPT ![i] = i]
    /\ votesGranted' = [votesGranted EXCEPT ![i] = {i}]
    /\ Broadcast(i, LAMBDA j : RequestVoteRequest(currentTerm[i] + 1, i, j, FALSE,
                                                  Len(log[i]), LastTerm(log[i]), FALSE))
    /\ pendingAcks' = [pendingAcks EXCEPT ![i] = {}]
    /\ UNCHANGED <<promise, logVars, leaderVars, readVars, applyVars, durableLength>>

\* Leadership transfer (thesis 3.10): leader i asks j, whose log it knows to hold all of its own,
\* to campaign at once. (The core also stops taking proposals while it transfers and gives up
\* after an election timeout: restrictions of its own, fewer behaviours than these.)
SendTimeoutNow(i, j) ==
    /\ role[i] = "Leader"
    /\ j /= i
    /\ j \in Voters(ConfigOf(i))
    /\ TransferTargetCaughtUp(i, j)
    /\ Send(TimeoutNow(currentTerm[i], i, j))
    /\ lease' = [lease EXCEPT ![i] = LeaseAfterTransfer(i)]
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, readSeq, pendingReads, applyVars,
                   persistVars>>

\* A follower of the leader's term told to campaign does so at once, as BecomeCandidate but without
\* a pre-vote round (the leader vouches for its log), and marks its vote requests transfer (the
\* core exempts them from leader stickiness; a voter ignoring one is a DropMessage either way).
\* A TimeoutNow of another term, or received by a non-follower, is dropped (DropMessage).
HandleTimeoutNow(i, j, m) ==
    /\ Receivable(i, j, m, "TimeoutNow")
    /\ m.term = currentTerm[i]
    /\ role[i] = "Follower"
    /\ i \in Voters(ConfigOf(i))
    /\ currentTerm' = [currentTerm EXCEPT ![i] = TransferTerm(i)]
    /\ role' = [role EXCEPT ![i] = "Candidate"]
    /\ votedFor' = [votedFor EXCEPT ![i] = i]
    /\ votesGranted' = [votesGranted EXCEPT ![i] = {i}]
    /\ ConsumeAndBroadcast(m, i, LAMBDA k : RequestVoteRequest(TransferTerm(i), i, k, FALSE,
                                                                Len(log[i]), LastTerm(log[i]), TRUE))
    /\ pendingAcks' = [pendingAcks EXCEPT ![i] = {}]
    /\ UNCHANGED <<promise, logVars, leaderVars, readVars, applyVars, durableLength>>

\* A Candidate with a quorum of votes leads; it appends a no-op of its term (thesis 6.4) so
\* that entries of earlier terms get committed as soon as the no-op is.
BecomeLeader(i) ==
    /\ role[i] = "Candidate"
    /\ IsQuorumOf(ConfigOf(i), votesGranted[i])
    /\ role' = [role EXCEPT ![i] = "Leader"]
    /\ nextIndex' = [nextIndex EXCEPT ![i] = [j \in Server |-> Len(log[i]) + 1]]
    /\ matchIndex' = [matchIndex EXCEPT ![i] = [j \in Server |-> 0]]
    /\ AppendToLog(i, [term |-> currentTerm[i], value |-> 0])
    /\ votesGranted' = [votesGranted EXCEPT ![i] = {}]
    /\ UNCHANGED <<currentTerm, votedFor, promise, commitIndex, snapshotIndex, messages, pendingAcks, readVars,
                   applyVars>>

\* Grant rule of a real vote, for m.term >= currentTerm[i].
VoteGrantable(i, m) ==
    /\ LogUpToDate(i, m)
    /\ \/ m.term > currentTerm[i]
       \/ votedFor[i] \in {Nil, m.from}

\* The response i sends to the RequestVoteRequest m (computed on i's state before the step).
RequestVoteReply(i, m) ==
    IF m.prevote
    THEN LET grant == m.term > currentTerm[i] /\ LogUpToDate(i, m)
         IN RequestVoteResponse(IF grant THEN m.term ELSE currentTerm[i], i, m.from, TRUE, grant)
    ELSE IF m.term < currentTerm[i]
    THEN RequestVoteResponse(currentTerm[i], i, m.from, FALSE, FALSE)
    ELSE RequestVoteResponse(m.term, i, m.from, FALSE, VoteGrantable(i, m))

\* A pre-vote changes nothing. A vote request of a higher term makes i adopt that term and
\* follow; i votes for j if j's log is up to date and i has not voted for another in the term.
\* (A request ignored, e.g. by leader stickiness, is a DropMessage.)
HandleRequestVoteRequest(i, j, m) ==
    /\ Receivable(i, j, m, "RequestVoteRequest")
    /\ ~PromiseBlocksVote(i, m)
    /\ Reply(RequestVoteReply(i, m), m)
    /\ IF m.prevote \/ m.term < currentTerm[i]
       THEN UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, readVars, persistVars>>
       ELSE LET grant == VoteGrantable(i, m)
            IN /\ currentTerm' = [currentTerm EXCEPT ![i] = m.term]
               /\ votedFor' = [votedFor EXCEPT ![i] =
                                 IF grant THEN j ELSE IF m.term > currentTerm[i] THEN Nil ELSE @]
               /\ IF m.term > currentTerm[i]
                  THEN FollowerVolatile(i)
                  ELSE UNCHANGED <<role, candidateVars, leaderVars, readVars>>
               /\ pendingAcks' = [pendingAcks EXCEPT ![i] = AcksAfterTerm(i, m.term)]
               /\ UNCHANGED <<promise, logVars, durableLength>>
    /\ UNCHANGED applyVars

\* A grant for i's current (pre-)election is recorded; a rejection from a higher term makes i
\* follow in that term. (Anything else, e.g. a stale grant, is a DropMessage.)
HandleRequestVoteResponse(i, j, m) ==
    /\ Receivable(i, j, m, "RequestVoteResponse")
    /\ \/ /\ m.voteGranted
          /\ \/ m.prevote /\ role[i] = "PreCandidate" /\ m.term = currentTerm[i] + 1
             \/ ~m.prevote /\ role[i] = "Candidate" /\ m.term = currentTerm[i]
          /\ votesGranted' = [votesGranted EXCEPT ![i] = RecordVote(i, j)]
          /\ UNCHANGED <<serverVars, logVars, leaderVars, readVars, persistVars>>
       \/ /\ ~m.voteGranted
          /\ m.term > currentTerm[i]
          /\ AdoptHigherTerm(i, m.term)
          /\ UNCHANGED <<promise, logVars, durableLength>>
    /\ Discard(m)
    /\ UNCHANGED applyVars

\* CheckQuorum, a lost election, or any other reason to give up: always allowed.
StepDown(i) ==
    /\ role[i] \in {"PreCandidate", "Candidate", "Leader"}
    /\ FollowerVolatile(i)
    /\ UNCHANGED <<currentTerm, votedFor, promise, logVars, messages, persistVars, applyVars>>

-----------------------------------------------------------------------------
(* Replication *)

\* The leader appends a client command v (v >= 1; 0 is the no-op).
ClientRequest(i, v) ==
    /\ role[i] = "Leader"
    /\ AppendToLog(i, [term |-> currentTerm[i], value |-> v])
    /\ UNCHANGED <<serverVars, commitIndex, snapshotIndex, candidateVars, leaderVars, readVars,
                   applyVars, messages, pendingAcks>>

\* The leader appends configuration c, in force at once (thesis 4.1). A server that c makes a
\* member is new to the leader: it probes from the new entry (nextIndex = its index) and knows
\* nothing replicated (matchIndex = 0).
ProposeConfig(i, c) ==
    /\ role[i] = "Leader"
    /\ ConfigChangeAllowed(i, c)
    /\ AppendToLog(i, [term |-> currentTerm[i], value |-> 0, config |-> c])
    /\ LET new == (Members(c) \ Members(ConfigOf(i))) \ {i}
       IN /\ nextIndex' = [nextIndex EXCEPT ![i] =
                [j \in Server |-> IF j \in new THEN Len(log[i]) + 1 ELSE nextIndex[i][j]]]
          /\ matchIndex' = [matchIndex EXCEPT ![i] =
                [j \in Server |-> IF j \in new THEN 0 ELSE matchIndex[i][j]]]
    /\ lease' = [lease EXCEPT ![i] = IF @ > 0 THEN 0 ELSE @] \* its quorum was of the old configuration
    /\ UNCHANGED <<serverVars, commitIndex, snapshotIndex, candidateVars, readSeq, pendingReads,
                   applyVars, messages, pendingAcks>>

\* The leader sends j the k >= 0 entries from nextIndex[i][j] and, pipelining, advances
\* nextIndex past them without waiting for the answer. Only if it knows the term at prevLogIndex:
\* if that entry is compacted (below the snapshot index) j needs the snapshot (SendInstallSnapshot).
SendAppendEntries(i, j, k) ==
    /\ role[i] = "Leader"
    /\ i /= j
    /\ j \in Members(ConfigOf(i))
    /\ nextIndex[i][j] - 1 >= snapshotIndex[i]
    /\ LET prev == nextIndex[i][j] - 1
           last == prev + k
       IN /\ last <= Len(log[i])
          /\ Send(AppendEntriesRequest(currentTerm[i], i, j, prev, TermAt(log[i], prev),
                                       SubSeq(log[i], prev + 1, last), Min(commitIndex[i], last),
                                       readSeq[i]))
          /\ nextIndex' = [nextIndex EXCEPT ![i][j] = last + 1]
    /\ UNCHANGED <<serverVars, logVars, candidateVars, matchIndex, persistVars, readVars,
                   applyVars>>

\* An empty AppendEntries at what the leader knows j holds; nextIndex unchanged. Not when that
\* index is compacted (0 < matchIndex < snapshotIndex): its term is unknown. (An IF, not a
\* disjunction: TLC would generate the step once for each true disjunct.)
SendHeartbeat(i, j) ==
    /\ role[i] = "Leader"
    /\ i /= j
    /\ j \in Members(ConfigOf(i))
    /\ IF matchIndex[i][j] = 0 THEN TRUE ELSE matchIndex[i][j] >= snapshotIndex[i]
    /\ Send(AppendEntriesRequest(currentTerm[i], i, j, matchIndex[i][j],
                                 TermAt(log[i], matchIndex[i][j]), << >>,
                                 Min(commitIndex[i], matchIndex[i][j]), readSeq[i]))
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, readVars, applyVars,
                   persistVars>>

\* The consistency check (5.3). An index below i's snapshot index agrees without being read (as in
\* the core's RaftLog.matches): it is committed, and every leader holds every committed entry.
AppendEntriesLogOk(i, m) ==
    \/ m.prevLogIndex = 0
    \/ m.prevLogIndex < snapshotIndex[i]
    \/ /\ m.prevLogIndex <= Len(log[i])
       /\ log[i][m.prevLogIndex].term = m.prevLogTerm

\* The response i sends to the AppendEntriesRequest m (computed on i's state before the step).
\* On failure conflictTerm/conflictIndex let the leader skip a whole term at once. Every reply
\* echoes the request's readId.
AppendEntriesReply(i, m) ==
    IF m.term < currentTerm[i]
    THEN AppendEntriesResponse(currentTerm[i], i, m.from, FALSE, m.prevLogIndex, 0, 0, m.readId)
    ELSE IF AppendEntriesLogOk(i, m)
    THEN AppendEntriesResponse(m.term, i, m.from, TRUE, m.prevLogIndex + Len(m.entries), 0, 0,
                               m.readId)
    ELSE IF m.prevLogIndex > Len(log[i])
    THEN AppendEntriesResponse(m.term, i, m.from, FALSE, m.prevLogIndex, 0, Len(log[i]) + 1,
                               m.readId)
    ELSE LET t == log[i][m.prevLogIndex].term
         IN AppendEntriesResponse(m.term, i, m.from, FALSE, m.prevLogIndex, t,
                                  FirstIndexOfTerm(log[i], snapshotIndex[i], t), m.readId)

\* How many leading entries the log new, the result of AppendNewEntries(old, prevLogIndex, entries),
\* shares with old: only the entries after prevLogIndex that the request carries can differ, and
\* new may end earlier (a cut). Linear in the request's entries, not in the log.
KeptLength(old, new, prevLogIndex, entries) ==
    LET differ == {k \in prevLogIndex + 1 .. Min(Min(Len(old), Len(new)), prevLogIndex + Len(entries)) :
                      old[k] /= new[k]}
    IN IF differ = {} THEN Min(Len(old), Len(new)) ELSE MinOf(differ) - 1

\* A request of a stale term is answered with i's term. Otherwise i adopts the term, follows,
\* and, if the consistency check passes, takes the new entries and the commit index the request
\* vouches for. With AsyncPersist the success reply leaves only if every entry it acknowledges
\* is durable; else i holds it until PersistLog (the request is consumed either way). A cut makes
\* the cut entries' durability void: durableLength falls to the kept prefix.
HandleAppendEntriesRequest(i, j, m) ==
    /\ Receivable(i, j, m, "AppendEntriesRequest")
    /\ IF m.term < currentTerm[i]
       THEN /\ Reply(AppendEntriesReply(i, m), m)
            /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, readVars, persistVars>>
       ELSE /\ currentTerm' = [currentTerm EXCEPT ![i] = m.term]
            /\ votedFor' = [votedFor EXCEPT ![i] = IF m.term > currentTerm[i] THEN Nil ELSE @]
            /\ FollowerVolatile(i)
            /\ HoldPromise(i, m.term, m.readId)
            /\ IF AppendEntriesLogOk(i, m)
               THEN LET newLog == AppendNewEntries(log[i], snapshotIndex[i], m.prevLogIndex, m.entries)
                        reply == AppendEntriesReply(i, m)
                        acks == AcksAfterTerm(i, m.term)
                    IN /\ SetLog(i, newLog, KeptLength(log[i], newLog, m.prevLogIndex, m.entries))
                       /\ UNCHANGED snapshotIndex
                       /\ commitIndex' = [commitIndex EXCEPT ![i] =
                             Max(@, Min(m.commitIndex, m.prevLogIndex + Len(m.entries)))]
                       /\ IF AckSendable(reply.matchIndex, durableLength'[i])
                          THEN /\ Reply(reply, m)
                               /\ pendingAcks' = [pendingAcks EXCEPT ![i] = acks]
                          ELSE /\ Discard(m)
                               /\ pendingAcks' = [pendingAcks EXCEPT ![i] = acks \cup {reply}]
               ELSE /\ Reply(AppendEntriesReply(i, m), m)
                    /\ pendingAcks' = [pendingAcks EXCEPT ![i] = AcksAfterTerm(i, m.term)]
                    /\ UNCHANGED <<logVars, durableLength>>
    /\ UNCHANGED applyVars

\* Where the leader retries after a rejection: past its last entry of the follower's
\* conflicting term if it has that term, else the follower's hint.
ConflictHint(i, m) ==
    IF m.conflictTerm /= 0 /\ HasTerm(log[i], snapshotIndex[i], m.conflictTerm)
    THEN LastIndexOfTerm(log[i], snapshotIndex[i], m.conflictTerm) + 1
    ELSE m.conflictIndex

\* A higher term makes i follow. The leader of the response's term records a success, or backs
\* nextIndex up after a rejection that is not older than what it knows j matches; either way j
\* answered in i's term a request sent after i's read rounds up to m.readId began, and counts
\* toward confirming them.
HandleAppendEntriesResponse(i, j, m) ==
    /\ Receivable(i, j, m, "AppendEntriesResponse")
    /\ \/ /\ m.term > currentTerm[i]
          /\ AdoptHigherTerm(i, m.term)
          /\ UNCHANGED <<promise, logVars, durableLength>>
       \/ /\ m.term = currentTerm[i]
          /\ role[i] = "Leader"
          /\ IF m.success
             THEN /\ matchIndex' = [matchIndex EXCEPT ![i][j] = Max(@, m.matchIndex)]
                  /\ nextIndex' = [nextIndex EXCEPT ![i][j] = Max(@, m.matchIndex + 1)]
             ELSE /\ m.matchIndex >= matchIndex[i][j]
                  /\ nextIndex' = [nextIndex EXCEPT ![i][j] =
                        Max(matchIndex[i][j] + 1, Min(ConflictHint(i, m), m.matchIndex))]
                  /\ UNCHANGED matchIndex
          /\ pendingReads' = [pendingReads EXCEPT ![i] =
                {IF r.id <= m.readId THEN [r EXCEPT !.acks = @ \cup {j}] ELSE r :
                    r \in pendingReads[i]}]
          /\ UNCHANGED <<serverVars, logVars, candidateVars, persistVars, readSeq, lease>>
    /\ Discard(m)
    /\ UNCHANGED applyVars

\* The servers that hold entry n durably, as the leader i knows it: the peers by matchIndex (they
\* acknowledge only durable entries), itself up to LeaderSelfMatch. So a leader may commit an
\* entry before its own write of it completes, when enough followers have it (thesis 10.2.1).
Agree(i, n) ==
    (IF LeaderSelfMatch(i) >= n THEN {i} ELSE {}) \cup {k \in Server \ {i} : matchIndex[i][k] >= n}

\* The leader commits the largest entry of its term held by a quorum of its configuration (both
\* halves when joint; the leader counts only toward a half it is a voter of), and so all before it.
AdvanceCommitIndex(i) ==
    /\ role[i] = "Leader"
    /\ LET committable == {n \in commitIndex[i] + 1 .. Len(log[i]) :
                             IsQuorumOf(ConfigOf(i), Agree(i, n)) /\ CommitByCounting(i, n)}
       IN /\ committable /= {}
          /\ commitIndex' = [commitIndex EXCEPT ![i] = MaxOf(committable)]
    /\ UNCHANGED <<serverVars, log, snapshotIndex, candidateVars, leaderVars, readVars, applyVars,
                   messages, persistVars>>

-----------------------------------------------------------------------------
(* Snapshots (log compaction, thesis 5.1; InstallSnapshot, thesis 5.3) *)

\* i compacts its log up to n into a snapshot: only entries its state machine has applied (so
\* committed and durable on i). Nothing else changes: log[i] keeps the compacted entries as the
\* snapshot's (ghost) content.
TakeSnapshot(i, n) ==
    /\ snapshotIndex[i] < n
    /\ n <= appliedIndex[i]
    /\ snapshotIndex' = [snapshotIndex EXCEPT ![i] = n]
    /\ UNCHANGED <<serverVars, log, commitIndex, candidateVars, leaderVars, messages, persistVars,
                   readVars, applyVars>>

\* One chunk of leader i's snapshot to j, whose next entry i has compacted; done says whether it is
\* the last. The core splits a snapshot into chunks by bytes; the spec sees only done, and only the
\* done chunk changes the follower. nextIndex and matchIndex do not change (the response moves them).
SendInstallSnapshotChunk(i, j, done) ==
    /\ role[i] = "Leader"
    /\ j /= i
    /\ j \in Members(ConfigOf(i))
    /\ nextIndex[i][j] <= snapshotIndex[i]
    /\ Send(InstallSnapshotRequest(currentTerm[i], i, j, snapshotIndex[i],
                                   TermAt(log[i], snapshotIndex[i]), done,
                                   SubSeq(log[i], 1, snapshotIndex[i])))
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, readVars, applyVars,
                   persistVars>>

SendInstallSnapshot(i, j) == \E done \in BOOLEAN : SendInstallSnapshotChunk(i, j, done)

\* i receives a chunk of j's snapshot. A stale term is answered with i's term (done FALSE). Otherwise
\* i treats it as an AppendEntries request of that term (adopts the term, follows, forgets held
\* replies of an older term) and answers in m.term. A chunk that is not the last changes nothing
\* else. The last one is stale if m.snapshotIndex <= commitIndex[i]: i holds every entry up to it,
\* committed, so nothing is installed (answered done all the same). Otherwise i installs it: if its
\* log holds, durably, the entry at m.snapshotIndex with the snapshot's term, the entries after it
\* are kept (the entries up to it are the snapshot's: equal, by Log Matching); else the log becomes
\* the snapshot's content, written synchronously, and the replies held for entries now gone are
\* dropped. The commit index and the state machine (restored from the snapshot) move to it.
\* complete: whether i holds the chunks before m, which the spec cannot see (byte offsets). The last
\* chunk of a new snapshot whose earlier chunks i lacks (lost, or gone with a restart) installs
\* nothing and is answered not done, as any other chunk; the leader then sends from the offset i
\* holds. With complete FALSE only such a chunk has a different outcome.
HandleInstallSnapshotChunk(i, j, m, complete) ==
    /\ Receivable(i, j, m, "InstallSnapshotRequest")
    /\ IF m.term < currentTerm[i]
       THEN /\ Reply(InstallSnapshotResponse(currentTerm[i], i, j, m.snapshotIndex, FALSE), m)
            /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, readVars, persistVars,
                           applyVars>>
       ELSE /\ currentTerm' = [currentTerm EXCEPT ![i] = m.term]
            /\ votedFor' = [votedFor EXCEPT ![i] = IF m.term > currentTerm[i] THEN Nil ELSE @]
            /\ FollowerVolatile(i)
            /\ HoldPromise(i, m.term, 0)
            /\ Reply(InstallSnapshotResponse(m.term, i, j, m.snapshotIndex,
                                              m.done /\ (complete \/ ~SnapshotIsNew(i, m))), m)
            /\ IF m.done /\ SnapshotIsNew(i, m) /\ complete
               THEN LET idx == m.snapshotIndex
                        keep == /\ Len(log[i]) >= idx
                                /\ log[i][idx].term = m.snapshotTerm
                                /\ durableLength[i] >= idx
                    IN /\ log' = [log EXCEPT ![i] = IF keep THEN @ ELSE m.log]
                       /\ durableLength' = [durableLength EXCEPT ![i] = IF keep THEN @ ELSE idx]
                       /\ pendingAcks' = [pendingAcks EXCEPT ![i] =
                             IF keep THEN AcksAfterTerm(i, m.term) ELSE {}]
                       /\ snapshotIndex' = [snapshotIndex EXCEPT ![i] = idx]
                       /\ commitIndex' = [commitIndex EXCEPT ![i] = idx]
                       /\ appliedIndex' = [appliedIndex EXCEPT ![i] = idx]
                       /\ UNCHANGED lastRead
               ELSE /\ pendingAcks' = [pendingAcks EXCEPT ![i] = AcksAfterTerm(i, m.term)]
                    /\ UNCHANGED <<logVars, durableLength, applyVars>>

HandleInstallSnapshotRequest(i, j, m) == \E complete \in BOOLEAN : HandleInstallSnapshotChunk(i, j, m, complete)

\* A higher term makes i follow. The leader of the response's term learns from the answer to a done
\* chunk that j holds its log up to m.snapshotIndex; the answer to another chunk changes nothing
\* (the core sends the next chunk, a SendInstallSnapshot of its own). (Anything else, e.g. a
\* response of an older term, is a DropMessage.)
HandleInstallSnapshotResponse(i, j, m) ==
    /\ Receivable(i, j, m, "InstallSnapshotResponse")
    /\ \/ /\ m.term > currentTerm[i]
          /\ AdoptHigherTerm(i, m.term)
          /\ UNCHANGED <<promise, logVars, durableLength>>
       \/ /\ m.term = currentTerm[i]
          /\ role[i] = "Leader"
          /\ IF m.done
             THEN LET match == Max(matchIndex[i][j], m.snapshotIndex)
                  IN /\ matchIndex' = [matchIndex EXCEPT ![i][j] = match]
                     /\ nextIndex' = [nextIndex EXCEPT ![i][j] = Max(@, match + 1)]
             ELSE UNCHANGED leaderVars
          /\ UNCHANGED <<serverVars, logVars, candidateVars, persistVars, readVars>>
    /\ Discard(m)
    /\ UNCHANGED applyVars

-----------------------------------------------------------------------------
(* Reads *)

\* The largest commit index of any server: everything committed anywhere so far (a ghost).
MaxCommitted == MaxOf({commitIndex[k] : k \in Server})

\* Leader i begins a read round (ReadIndex, thesis 6.4) at its commit index, once it has
\* committed an entry of its term. Its heartbeats (SendHeartbeat, separate steps) and any later
\* AppendEntries carry the round's id. start is a ghost: what was committed anywhere when the
\* read began, which the read must return.
ReadIndex(i) ==
    /\ role[i] = "Leader"
    /\ ReadIndexAllowed(i)
    /\ readSeq' = [readSeq EXCEPT ![i] = @ + 1]
    /\ pendingReads' = [pendingReads EXCEPT ![i] =
          @ \cup {[id |-> readSeq[i] + 1, index |-> commitIndex[i], acks |-> {i},
                   start |-> MaxCommitted, lease |-> FALSE, origin |-> i]}]
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, messages, persistVars,
                   applyVars, lease>>

\* Leader i serves its own read round r, confirmed by a quorum and applied: the read returns the
\* state machine's state at appliedIndex[i]. (A follower's round is answered: SendReadIndexResponse.)
ServeRead(i, r) ==
    /\ role[i] = "Leader"
    /\ r \in pendingReads[i]
    /\ r.origin = i
    /\ ReadConfirmed(i, r)
    /\ ReadApplied(i, r)
    /\ pendingReads' = [pendingReads EXCEPT ![i] = @ \ {r}]
    /\ lastRead' = [index |-> appliedIndex[i], start |-> r.start, term |-> currentTerm[i]]
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, messages, persistVars,
                   readSeq, lease, appliedIndex>>

-----------------------------------------------------------------------------
(* Leases (LeaseReads only; see "Leases" above) *)

\* Leader i rests its lease on round r: a quorum of its configuration confirmed r, each of them
\* (i aside) still promised to i's term since round r or later. Not a lease read's round (the lease
\* confirmed that one), not back to an older round, not after a transfer in this term (lease -1).
RenewLease(i, r) ==
    /\ LeaseReads
    /\ role[i] = "Leader"
    /\ r \in pendingReads[i]
    /\ ~r.lease
    /\ lease[i] >= 0
    /\ r.id > lease[i]
    /\ IsQuorumOf(ConfigOf(i), r.acks \cap PromisedFor(i, r.id))
    /\ lease' = [lease EXCEPT ![i] = r.id]
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, messages, persistVars,
                   readSeq, pendingReads, applyVars>>

\* Leader i's lease runs out: at any time (its length is a matter of clocks).
ExpireLease(i) ==
    /\ lease[i] > 0
    /\ lease' = [lease EXCEPT ![i] = 0]
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, messages, persistVars,
                   readSeq, pendingReads, applyVars>>

\* i's promise runs out, once no lease rests on it. (Enabled without a promise too: the core counts
\* one down from its start and after a restart, whatever it had promised.)
ExpirePromise(i) ==
    /\ LeaseReads
    /\ PromiseMayExpire(i)
    /\ promise' = [promise EXCEPT ![i] = NoPromise]
    /\ UNCHANGED <<currentTerm, votedFor, role, logVars, candidateVars, leaderVars, messages,
                   persistVars, readVars, applyVars>>

\* Leader i, holding a lease, takes a read at its commit index with no round of messages: a round
\* the lease confirms (acknowledged as if by every voter), served by ServeRead once applied. No
\* leader of a later term can have been elected while the lease holds, so the commit index covers
\* everything committed anywhere (start, the ghost, is what the read must return).
LeaseRead(i) ==
    /\ role[i] = "Leader"
    /\ lease[i] > 0
    /\ ReadIndexAllowed(i)
    /\ readSeq' = [readSeq EXCEPT ![i] = @ + 1]
    /\ pendingReads' = [pendingReads EXCEPT ![i] =
          @ \cup {[id |-> readSeq[i] + 1, index |-> commitIndex[i],
                   acks |-> Voters(ConfigOf(i)) \cup {i}, start |-> MaxCommitted, lease |-> TRUE,
                   origin |-> i]}]
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, messages, persistVars,
                   applyVars, lease>>

-----------------------------------------------------------------------------
(* Follower reads (FollowerReads only; see "Follower reads" above) *)

\* Follower i takes a read and forwards it to j, the leader it knows (the spec keeps no leader id:
\* any other server; a request to a server that cannot take it is dropped, a DropMessage). The
\* term is for information only. start, the ghost, is what the read must return.
ForwardRead(i, j) ==
    /\ FollowerReads
    /\ role[i] = "Follower"
    /\ j /= i
    /\ Send(ReadIndexRequest(currentTerm[i], i, j, MaxCommitted))
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, persistVars, readVars, applyVars>>

\* Leader i, having committed an entry of its term, begins a new read round for j's forwarded read,
\* at its commit index, as ReadIndex does for its own (its heartbeats confirm it). A new round, never
\* one in progress: that one's index may be below what was committed before j's read began. The
\* request's term changes nothing. (A request i cannot take yet, or that reaches a server that does
\* not lead, is a DropMessage.)
HandleReadIndexRequest(i, j, m) ==
    /\ Receivable(i, j, m, "ReadIndexRequest")
    /\ role[i] = "Leader"
    /\ ReadIndexAllowed(i)
    /\ readSeq' = [readSeq EXCEPT ![i] = @ + 1]
    /\ pendingReads' = [pendingReads EXCEPT ![i] =
          @ \cup {[id |-> readSeq[i] + 1, index |-> commitIndex[i], acks |-> {i},
                   start |-> m.start, lease |-> FALSE, origin |-> j]}]
    /\ Discard(m)
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, persistVars, applyVars, lease>>

\* Leader i answers the forwarded read round r once a quorum confirmed it (ReadConfirmed, as for
\* ServeRead) with the round's index: no other leader had been elected when the round began, so
\* that index covers everything committed before the follower's read began. The leader does not
\* wait for its own apply (the follower applies). The round is done.
SendReadIndexResponse(i, r) ==
    /\ role[i] = "Leader"
    /\ r \in pendingReads[i]
    /\ r.origin /= i
    /\ ReadConfirmed(i, r)
    /\ pendingReads' = [pendingReads EXCEPT ![i] = @ \ {r}]
    /\ Send(ReadIndexResponse(currentTerm[i], i, r.origin, r.index, r.start))
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, persistVars, readSeq, lease,
                   applyVars>>

\* i serves its forwarded read once its state machine has applied the response's index, at its
\* applied index, whatever its role and term now: the index is valid for any read that began before
\* the leader's round began. Until then the response waits (in the bag; the core holds it).
HandleReadIndexResponse(i, j, m) ==
    /\ Receivable(i, j, m, "ReadIndexResponse")
    /\ ForwardedReadApplied(i, m)
    /\ lastRead' = [index |-> appliedIndex[i], start |-> m.start, term |-> currentTerm[i]]
    /\ Discard(m)
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, persistVars, readVars,
                   appliedIndex>>

-----------------------------------------------------------------------------
(* The state machine *)

\* i's state machine applies its log up to n: only committed entries that are durable on i.
Apply(i, n) ==
    /\ appliedIndex[i] < n
    /\ n <= ApplyBound(i)
    /\ appliedIndex' = [appliedIndex EXCEPT ![i] = n]
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, messages, persistVars,
                   readVars, lastRead>>

-----------------------------------------------------------------------------
(* Persistence and failures *)

\* A write of i's log completes: its first n entries are durable. The replies held for them leave
\* (one copy each); those that acknowledge more stay held. Without AsyncPersist durableLength is
\* always Len(log), so this is never enabled.
PersistLog(i, n) ==
    /\ durableLength[i] < n
    /\ n <= Len(log[i])
    /\ LET released == {a \in pendingAcks[i] : AckSendable(a.matchIndex, n)}
       IN /\ durableLength' = [durableLength EXCEPT ![i] = n]
          /\ pendingAcks' = [pendingAcks EXCEPT ![i] = @ \ released]
          /\ messages' = WithMessages(released, messages)
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, readVars, applyVars>>

\* A crash and recovery: volatile state and held replies are lost; currentTerm and votedFor are
\* durable (written before anything that depends on them leaves the node). The recovered log is
\* its first n entries, at least what was known durable (with AsyncPersist, writes in progress
\* may or may not have completed; without it n = Len(log)); the recovered commit index c is at
\* most the last one and, with AsyncPersist (commit is written asynchronously too), may be any
\* smaller value that fits the recovered log. Messages in flight stay in flight. The snapshot is
\* durable: the recovered log and commit index reach at least its index, and the state machine is
\* restored from it (nothing after it is applied).
Restart(i, n, c) ==
    /\ durableLength[i] <= n
    /\ n <= Len(log[i])
    /\ c <= commitIndex[i]
    /\ c <= n
    /\ snapshotIndex[i] <= n
    /\ snapshotIndex[i] <= c
    /\ AsyncPersist \/ c = commitIndex[i]
    /\ log' = [log EXCEPT ![i] = SubSeq(@, 1, n)]
    /\ durableLength' = [durableLength EXCEPT ![i] = n]
    /\ commitIndex' = [commitIndex EXCEPT ![i] = c]
    /\ pendingAcks' = [pendingAcks EXCEPT ![i] = {}]
    /\ FollowerVolatile(i)
    /\ appliedIndex' = [appliedIndex EXCEPT ![i] = snapshotIndex[i]]
    /\ promise' = [promise EXCEPT ![i] = PromiseAfterRestart(i)]
    /\ UNCHANGED <<currentTerm, votedFor, messages, lastRead, snapshotIndex>>

\* The network loses m, or i ignores it (stale, unwanted, leader stickiness, i is down).
DropMessage(m) ==
    /\ m \in DOMAIN messages
    /\ Discard(m)
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, readVars, applyVars,
                   persistVars>>

\* The network delivers m more than once.
DuplicateMessage(m) ==
    /\ m \in DOMAIN messages
    /\ Send(m)
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, readVars, applyVars,
                   persistVars>>

-----------------------------------------------------------------------------
(* The specification *)

\* The network steps of Next, each for some message in flight. (Named so that TLC names the action
\* of each step of a counterexample: it cannot split a quantifier over DOMAIN messages.)
AnyHandleRequestVoteRequest == \E m \in DOMAIN messages : HandleRequestVoteRequest(m.to, m.from, m)
AnyHandleRequestVoteResponse == \E m \in DOMAIN messages : HandleRequestVoteResponse(m.to, m.from, m)
AnyHandleAppendEntriesRequest == \E m \in DOMAIN messages : HandleAppendEntriesRequest(m.to, m.from, m)
AnyHandleAppendEntriesResponse ==
    \E m \in DOMAIN messages : HandleAppendEntriesResponse(m.to, m.from, m)
AnyHandleTimeoutNow == \E m \in DOMAIN messages : HandleTimeoutNow(m.to, m.from, m)
AnyHandleInstallSnapshotRequest ==
    \E m \in DOMAIN messages : HandleInstallSnapshotRequest(m.to, m.from, m)
AnyHandleInstallSnapshotResponse ==
    \E m \in DOMAIN messages : HandleInstallSnapshotResponse(m.to, m.from, m)
AnyHandleReadIndexRequest == \E m \in DOMAIN messages : HandleReadIndexRequest(m.to, m.from, m)
AnyHandleReadIndexResponse == \E m \in DOMAIN messages : HandleReadIndexResponse(m.to, m.from, m)
AnyDropMessage == \E m \in DOMAIN messages : DropMessage(m)
AnyDuplicateMessage == \E m \in DOMAIN messages : DuplicateMessage(m)

\* Every step, unbounded (client values are any v >= 1). MCRaft.tla bounds it for TLC.
Next ==
    \/ \E i \in Server : Timeout(i)
    \/ \E i \in Server : BecomeCandidate(i)
    \/ \E i \in Server : BecomeLeader(i)
    \/ \E i \in Server, v \in Nat \ {0} : ClientRequest(i, v)
    \/ \E i \in Server, c \in Config : ProposeConfig(i, c)
    \/ \E i \in Server : AdvanceCommitIndex(i)
    \/ \E i \in Server : StepDown(i)
    \/ \E i \in Server : \E n \in durableLength[i] + 1 .. Len(log[i]) : PersistLog(i, n)
    \/ \E i \in Server : \E n \in durableLength[i] .. Len(log[i]), c \in 0 .. commitIndex[i] :
           Restart(i, n, c)
    \/ \E i, j \in Server : SendHeartbeat(i, j)
    \/ \E i, j \in Server, k \in Nat : SendAppendEntries(i, j, k)
    \/ \E i \in Server : ReadIndex(i)
    \/ \E i \in Server : \E r \in pendingReads[i] : ServeRead(i, r)
    \/ \E i \in Server : \E r \in pendingReads[i] : RenewLease(i, r)
    \/ \E i \in Server : ExpireLease(i)
    \/ \E i \in Server : ExpirePromise(i)
    \/ \E i \in Server : LeaseRead(i)
    \/ FollowerReads /\ \E i, j \in Server : ForwardRead(i, j)
    \/ FollowerReads /\ AnyHandleReadIndexRequest
    \/ FollowerReads /\ \E i \in Server : \E r \in pendingReads[i] : SendReadIndexResponse(i, r)
    \/ FollowerReads /\ AnyHandleReadIndexResponse
    \/ \E i \in Server : \E n \in appliedIndex[i] + 1 .. Len(log[i]) : Apply(i, n)
    \/ \E i, j \in Server : SendTimeoutNow(i, j)
    \/ AnyHandleTimeoutNow
    \/ \E i \in Server : \E n \in snapshotIndex[i] + 1 .. appliedIndex[i] : TakeSnapshot(i, n)
    \/ \E i, j \in Server : SendInstallSnapshot(i, j)
    \/ AnyHandleInstallSnapshotRequest
    \/ AnyHandleInstallSnapshotResponse
    \/ AnyHandleRequestVoteRequest
    \/ AnyHandleRequestVoteResponse
    \/ AnyHandleAppendEntriesRequest
    \/ AnyHandleAppendEntriesResponse
    \/ AnyDropMessage
    \/ AnyDuplicateMessage

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Invariants *)

Entry == [term : Nat, value : Nat] \cup [term : Nat, value : {0}, config : Config]

TypeOK ==
    /\ currentTerm \in [Server -> Nat]
    /\ votedFor \in [Server -> Server \cup {Nil}]
    /\ role \in [Server -> Roles]
    /\ \A i \in Server : log[i] \in Seq(Entry)
    /\ commitIndex \in [Server -> Nat]
    /\ votesGranted \in [Server -> SUBSET Server]
    /\ nextIndex \in [Server -> [Server -> Nat \ {0}]]
    /\ matchIndex \in [Server -> [Server -> Nat]]
    /\ \A m \in DOMAIN messages :
          /\ messages[m] \in Nat \ {0}
          /\ m.type \in {"RequestVoteRequest", "RequestVoteResponse",
                         "AppendEntriesRequest", "AppendEntriesResponse", "TimeoutNow",
                         "InstallSnapshotRequest", "InstallSnapshotResponse",
                         "ReadIndexRequest", "ReadIndexResponse"}
          /\ m.from \in Server /\ m.to \in Server /\ m.term \in Nat
          /\ m.type = "RequestVoteRequest" => m.transfer \in BOOLEAN
          /\ m.type = "TimeoutNow" => DOMAIN m = {"type", "term", "from", "to"}
          /\ m.type \in {"AppendEntriesRequest", "AppendEntriesResponse"} => m.readId \in Nat
          /\ m.type = "InstallSnapshotRequest" =>
                /\ DOMAIN m = {"type", "term", "from", "to", "snapshotIndex", "snapshotTerm",
                               "done", "log"}
                /\ m.snapshotIndex \in Nat \ {0} /\ m.snapshotTerm \in Nat /\ m.done \in BOOLEAN
                /\ m.log \in Seq(Entry) /\ Len(m.log) = m.snapshotIndex
          /\ m.type = "InstallSnapshotResponse" =>
                /\ DOMAIN m = {"type", "term", "from", "to", "snapshotIndex", "done"}
                /\ m.snapshotIndex \in Nat /\ m.done \in BOOLEAN
          /\ m.type = "ReadIndexRequest" =>
                DOMAIN m = {"type", "term", "from", "to", "start"} /\ m.start \in Nat
          /\ m.type = "ReadIndexResponse" =>
                /\ DOMAIN m = {"type", "term", "from", "to", "index", "start"}
                /\ m.index \in Nat /\ m.start \in Nat
    /\ durableLength \in [Server -> Nat]
    /\ DOMAIN pendingAcks = Server
    /\ \A i \in Server : \A a \in pendingAcks[i] :
          /\ a.type = "AppendEntriesResponse" /\ a.success = TRUE
          /\ a.from = i /\ a.to \in Server /\ a.term \in Nat /\ a.matchIndex \in Nat
          /\ a.readId \in Nat
    /\ appliedIndex \in [Server -> Nat]
    /\ readSeq \in [Server -> Nat]
    /\ DOMAIN pendingReads = Server
    /\ \A i \in Server : \A r \in pendingReads[i] :
          /\ DOMAIN r = {"id", "index", "acks", "start", "lease", "origin"}
          /\ r.id \in 1 .. readSeq[i] /\ r.index \in Nat /\ r.acks \subseteq Server
          /\ i \in r.acks /\ r.start \in Nat /\ r.lease \in BOOLEAN
          /\ r.origin \in Server /\ (r.lease => r.origin = i)
    /\ lastRead \in [index : Nat, start : Nat, term : Nat]
    /\ snapshotIndex \in [Server -> Nat]
    /\ lease \in [Server -> Nat \cup {-1}]
    /\ promise \in [Server -> [term : Nat, round : Nat]]

\* At most one leader per term.
ElectionSafety ==
    \A i, j \in Server :
        (role[i] = "Leader" /\ role[j] = "Leader" /\ currentTerm[i] = currentTerm[j]) => i = j

\* Logs that hold an entry of the same term at the same index are identical up to it. Checked
\* index by index (entries equal, and so are their predecessors), which is linear per pair.
LogMatching ==
    \A i, j \in Server :
        \A n \in 1 .. Min(Len(log[i]), Len(log[j])) :
            log[i][n].term = log[j][n].term =>
                /\ log[i][n] = log[j][n]
                /\ n > 1 => log[i][n - 1] = log[j][n - 1]

\* The commit index never points past the end of the log.
CommitIndexInLog == \A i \in Server : commitIndex[i] <= Len(log[i])

\* What is known durable is a prefix of the log (a cut lowers it with the log); without
\* AsyncPersist the whole log is durable.
DurableLengthInLog ==
    \A i \in Server :
        /\ durableLength[i] <= Len(log[i])
        /\ AsyncPersist \/ durableLength[i] = Len(log[i])

\* A held reply is i's own success reply of its current term (those of older terms are gone),
\* acknowledging entries i still holds but has not all written yet (else it would have left).
\* Without AsyncPersist none is ever held.
PendingAcksInLog ==
    \A i \in Server : \A a \in pendingAcks[i] :
        /\ a.term = currentTerm[i]
        /\ durableLength[i] < a.matchIndex
        /\ a.matchIndex <= Len(log[i])

\* The first n entries of i's log, clipped to its length.
Prefix(i, n) == SubSeq(log[i], 1, Min(n, Len(log[i])))

\* What a server has committed was committed in a term <= its currentTerm, so every leader of
\* a term >= that holds it (5.4).
LeaderCompleteness ==
    \A l, i \in Server :
        (role[l] = "Leader" /\ currentTerm[l] >= currentTerm[i]) =>
            /\ commitIndex[i] <= Len(log[l])
            /\ Prefix(l, commitIndex[i]) = Prefix(i, commitIndex[i])

\* Committed prefixes agree: no two servers apply different entries at the same index.
StateMachineSafety ==
    \A i, j \in Server :
        LET n == Min(commitIndex[i], commitIndex[j])
        IN Prefix(i, n) = Prefix(j, n)

\* What a server has committed is on disk at a quorum: the leader counted only durable copies,
\* and neither a restart nor a later leader removes them. This is what lets a restart forget
\* what was not written (AsyncPersist). It fails at the commit itself when a copy counted was not
\* durable, where LeaderCompleteness needs the crashes and the election that lose the entry, and
\* only while some server still knows of the commit.
\* The quorum is one of the configuration of the committed prefix (its last config entry's), and
\* when that one is joint, a majority of its new voters only: a leader that has appended the
\* leave-joint entry counts by it at once, so it may commit the entries between the joint entry and
\* the leave-joint entry with the new voters alone, before the leave-joint entry is committed.
\* A non-joint configuration's quorum is exactly that majority, so with one configuration
\* throughout (InitVoters = Server) this is the majority of Server it always was.
CommittedDurableOnQuorum ==
    \A i \in Server :
        IsMajorityOf(ConfigOfLog(Prefix(i, commitIndex[i])).voters,
                     {k \in Server : durableLength[k] >= commitIndex[i]
                                     /\ Prefix(k, commitIndex[i]) = Prefix(i, commitIndex[i])})

\* Every configuration in a log is well formed: some voter, and no learner is a voter of either half.
ConfigsWellFormed ==
    \A i \in Server : \A n \in ConfigIndexes(log[i]) :
        LET c == log[i][n].config
        IN c.voters /= {} /\ c.learners \cap c.voters = {} /\ c.learners \cap c.outgoing = {}

\* In every log each configuration follows the one before it (or the initial one) by one allowed
\* step: a log never holds a change that skips the joint phase, whatever cuts and merges made it.
ConfigChainValid ==
    \A i \in Server : \A n \in 1 .. Len(log[i]) :
        IsConfigEntry(log[i][n]) =>
            ConfigSuccessor(ConfigOfLog(SubSeq(log[i], 1, n - 1)), log[i][n].config)

\* One change at a time: the configuration entry a config entry follows (the last one before it,
\* if any) was committed before it was appended, so every leader of its term or a later one holds
\* it. (Two changes in flight could each win a quorum their predecessor never agreed to.)
ConfigPredecessorCommitted ==
    \A i \in Server : \A n \in 1 .. Len(log[i]) :
        IsConfigEntry(log[i][n]) =>
            LET p == LastConfigIndex(SubSeq(log[i], 1, n - 1))
            IN \A l \in Server :
                  (role[l] = "Leader" /\ currentTerm[l] >= log[i][n].term) =>
                      /\ Len(log[l]) >= p
                      /\ SubSeq(log[l], 1, p) = SubSeq(log[i], 1, p)

\* A read returns at least everything committed anywhere before it began (linearizability of
\* reads against writes: a write acknowledged before the read began is visible to it).
ReadsLinearizable == lastRead.index >= lastRead.start

\* Only a leader holds a lease (or has given it up in its term), resting on a round it began, and
\* a server holds a promise only with LeaseReads.
LeaseWellFormed ==
    \A i \in Server :
        /\ lease[i] /= 0 => LeaseReads /\ role[i] = "Leader" /\ lease[i] <= readSeq[i]
        /\ PromiseHolds(i) => LeaseReads /\ promise[i].term <= currentTerm[i]

\* A lease rests on a quorum of the leader's configuration that still holds its promises.
LeaseQuorumPromised ==
    \A i \in Server : lease[i] > 0 => IsQuorumOf(ConfigOf(i), PromisedFor(i, lease[i]))

\* While a leader holds a lease no server leads in a later term: what a lease read relies on.
LeaseExcludesLaterLeader ==
    \A i, k \in Server :
        (lease[i] > 0 /\ role[k] = "Leader") => currentTerm[k] <= currentTerm[i]

\* The state machine is handed only committed entries.
AppliedIndexInCommit == \A i \in Server : appliedIndex[i] <= commitIndex[i]

\* A snapshot holds only what the state machine has applied (so, by AppliedIndexInCommit, only
\* committed entries), and a restart restores the state machine from it.
SnapshotInApplied == \A i \in Server : snapshotIndex[i] <= appliedIndex[i]

\* A snapshot is on disk, and so is the log up to its index (a restart recovers at least that).
SnapshotDurable == \A i \in Server : snapshotIndex[i] <= durableLength[i]

(* Action properties *)

\* A leader only appends to its log while it leads in a term.
LeaderAppendOnly ==
    [][\A i \in Server :
          (role[i] = "Leader" /\ role'[i] = "Leader" /\ currentTerm'[i] = currentTerm[i]) =>
              /\ Len(log'[i]) >= Len(log[i])
              /\ SubSeq(log'[i], 1, Len(log[i])) = log[i]]_vars

\* Committed entries never change and the commit index never decreases, except that with
\* AsyncPersist a restart may forget what was not yet on disk: the log shrinks to a prefix no
\* shorter than its durable length (nothing durable is lost), all of which is durable afterwards,
\* and the commit index does not rise. (Such a forgotten committed entry is durable on a quorum:
\* LeaderCompleteness and StateMachineSafety check that it is never lost for the cluster.)
CommittedEntriesNeverChange ==
    [][\A i \in Server :
          \/ /\ commitIndex'[i] >= commitIndex[i]
             /\ commitIndex[i] <= Len(log'[i])
             /\ SubSeq(log'[i], 1, Min(commitIndex[i], Len(log[i]))) = Prefix(i, commitIndex[i])
          \/ /\ AsyncPersist
             /\ durableLength[i] <= Len(log'[i])
             /\ log'[i] = SubSeq(log[i], 1, Len(log'[i]))
             /\ durableLength'[i] = Len(log'[i])
             /\ commitIndex'[i] <= commitIndex[i]]_vars

=============================================================================
