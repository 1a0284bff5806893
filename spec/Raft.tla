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
(* Every action is an operator with explicit parameters, named as in the   *)
(* table of spec/README.md: the Java core emits one event per action, and  *)
(* TraceRaft.tla replays those events by conjoining the named action.      *)
(* Model-checking bounds live in MCRaft.tla, never here, so traces with    *)
(* large terms and logs can be validated against the same actions.         *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    Server,     \* the servers: model values for model checking, 1..N in traces
    Nil,        \* "no vote": a model value, 0 in traces
    PreVote     \* BOOLEAN: elections start with a pre-vote round (thesis 9.6)

ASSUME Nil \notin Server /\ PreVote \in BOOLEAN

VARIABLES
    currentTerm,    \* [Server -> Nat], durable
    votedFor,       \* [Server -> Server \cup {Nil}], durable
    role,           \* [Server -> Roles]
    log,            \* [Server -> Seq(Entry)], durable
    commitIndex,    \* [Server -> Nat], durable (like etcd's HardState.commit)
    votesGranted,   \* [Server -> SUBSET Server]: (pre-)votes while (Pre)Candidate, else {}
    nextIndex,      \* [Server -> [Server -> Nat]]: a leader's next entry to send to each peer
    matchIndex,     \* [Server -> [Server -> Nat]]: a leader's highest entry known replicated
    messages        \* the network: a bag, [message -> number of copies >= 1]

serverVars == <<currentTerm, votedFor, role>>
logVars == <<log, commitIndex>>
candidateVars == <<votesGranted>>
leaderVars == <<nextIndex, matchIndex>>
vars == <<currentTerm, votedFor, role, log, commitIndex, votesGranted, nextIndex, matchIndex,
          messages>>

Roles == {"Follower", "PreCandidate", "Candidate", "Leader"}

-----------------------------------------------------------------------------
(* Helpers *)

Min(a, b) == IF a <= b THEN a ELSE b
Max(a, b) == IF a >= b THEN a ELSE b
MaxOf(S) == CHOOSE x \in S : \A y \in S : x >= y
MinOf(S) == CHOOSE x \in S : \A y \in S : x <= y

\* A majority of Server.
IsQuorum(S) == Cardinality(S) * 2 > Cardinality(Server)

LastTerm(lg) == IF Len(lg) = 0 THEN 0 ELSE lg[Len(lg)].term
TermAt(lg, n) == IF n = 0 THEN 0 ELSE lg[n].term
FirstIndexOfTerm(lg, t) == MinOf({n \in 1..Len(lg) : lg[n].term = t})
LastIndexOfTerm(lg, t) == MaxOf({n \in 1..Len(lg) : lg[n].term = t})
HasTerm(lg, t) == \E n \in 1..Len(lg) : lg[n].term = t

\* The network. A bag holds only positive counts: a message whose last copy is removed leaves
\* the domain, so equal networks are equal values.
WithMessage(m, msgs) ==
    IF m \in DOMAIN msgs THEN [msgs EXCEPT ![m] = @ + 1]
    ELSE [k \in DOMAIN msgs \cup {m} |-> IF k = m THEN 1 ELSE msgs[k]]
WithoutMessage(m, msgs) ==
    IF msgs[m] > 1 THEN [msgs EXCEPT ![m] = @ - 1]
    ELSE [k \in DOMAIN msgs \ {m} |-> msgs[k]]
Send(m) == messages' = WithMessage(m, messages)
Discard(m) == messages' = WithoutMessage(m, messages)
\* Consumes the request and sends the response, in one step.
Reply(response, request) == messages' = WithMessage(response, WithoutMessage(request, messages))
\* Sends one message built by F to every other server (they differ in `to`).
Broadcast(i, F(_)) ==
    LET new == {F(j) : j \in Server \ {i}}
    IN messages' = [k \in DOMAIN messages \cup new |->
                      (IF k \in DOMAIN messages THEN messages[k] ELSE 0)
                      + (IF k \in new THEN 1 ELSE 0)]

-----------------------------------------------------------------------------
(* Messages: one constructor per type; field names = trace fields. *)

RequestVoteRequest(term, from, to, prevote, lastLogIndex, lastLogTerm) ==
    [type |-> "RequestVoteRequest", term |-> term, from |-> from, to |-> to,
     prevote |-> prevote, lastLogIndex |-> lastLogIndex, lastLogTerm |-> lastLogTerm]

RequestVoteResponse(term, from, to, prevote, voteGranted) ==
    [type |-> "RequestVoteResponse", term |-> term, from |-> from, to |-> to,
     prevote |-> prevote, voteGranted |-> voteGranted]

AppendEntriesRequest(term, from, to, prevLogIndex, prevLogTerm, entries, commit) ==
    [type |-> "AppendEntriesRequest", term |-> term, from |-> from, to |-> to,
     prevLogIndex |-> prevLogIndex, prevLogTerm |-> prevLogTerm, entries |-> entries,
     commitIndex |-> commit]

AppendEntriesResponse(term, from, to, success, match, conflictTerm, conflictIndex) ==
    [type |-> "AppendEntriesResponse", term |-> term, from |-> from, to |-> to,
     success |-> success, matchIndex |-> match, conflictTerm |-> conflictTerm,
     conflictIndex |-> conflictIndex]

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

\* The log after accepting entries that follow prevLogIndex (consistency check passed).
\* Entries already present with the same term are kept; the log is truncated only at the first
\* entry whose term differs, so a stale or duplicated request never removes anything (5.3).
AppendNewEntries(lg, prevLogIndex, entries) ==
    LET conflicts == {k \in 1..Len(entries) :
                        \/ prevLogIndex + k > Len(lg)
                        \/ lg[prevLogIndex + k].term /= entries[k].term}
    IN IF conflicts = {} THEN lg
       ELSE LET c == MinOf(conflicts)
            IN SubSeq(lg, 1, prevLogIndex + c - 1) \o SubSeq(entries, c, Len(entries))

-----------------------------------------------------------------------------
(* State changes shared by several actions. *)

\* i's volatile state as a follower: what a (pre-)candidate or leader forgets when it steps down.
FollowerVolatile(i) ==
    /\ role' = [role EXCEPT ![i] = "Follower"]
    /\ votesGranted' = [votesGranted EXCEPT ![i] = {}]
    /\ nextIndex' = [nextIndex EXCEPT ![i] = [j \in Server |-> 1]]
    /\ matchIndex' = [matchIndex EXCEPT ![i] = [j \in Server |-> 0]]

\* i has seen term t > currentTerm[i]: adopt it, forget the vote, follow.
AdoptHigherTerm(i, t) ==
    /\ currentTerm' = [currentTerm EXCEPT ![i] = t]
    /\ votedFor' = [votedFor EXCEPT ![i] = Nil]
    /\ FollowerVolatile(i)

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

-----------------------------------------------------------------------------
(* Elections *)

\* Election timeout with PreVote: become PreCandidate and ask for pre-votes for the next term,
\* without changing the term (a partitioned node cannot disrupt the cluster when it returns).
Timeout(i) ==
    /\ PreVote
    /\ role[i] /= "Leader"
    /\ role' = [role EXCEPT ![i] = "PreCandidate"]
    /\ votesGranted' = [votesGranted EXCEPT ![i] = {i}]
    /\ Broadcast(i, LAMBDA j : RequestVoteRequest(currentTerm[i] + 1, i, j, TRUE,
                                                  Len(log[i]), LastTerm(log[i])))
    /\ UNCHANGED <<currentTerm, votedFor, logVars, leaderVars>>

\* A PreCandidate with a quorum of pre-votes (without PreVote: any non-leader on timeout)
\* starts a real election in the next term, voting for itself.
BecomeCandidate(i) ==
    /\ IF PreVote THEN role[i] = "PreCandidate" /\ IsQuorum(votesGranted[i])
                  ELSE role[i] /= "Leader"
    /\ currentTerm' = [currentTerm EXCEPT ![i] = @ + 1]
    /\ role' = [role EXCEPT ![i] = "Candidate"]
    /\ votedFor' = [votedFor EXCEPT ![i] = i]
    /\ votesGranted' = [votesGranted EXCEPT ![i] = {i}]
    /\ Broadcast(i, LAMBDA j : RequestVoteRequest(currentTerm[i] + 1, i, j, FALSE,
                                                  Len(log[i]), LastTerm(log[i])))
    /\ UNCHANGED <<logVars, leaderVars>>

\* A Candidate with a quorum of votes leads; it appends a no-op of its term (thesis 6.4) so
\* that entries of earlier terms get committed as soon as the no-op is.
BecomeLeader(i) ==
    /\ role[i] = "Candidate"
    /\ IsQuorum(votesGranted[i])
    /\ role' = [role EXCEPT ![i] = "Leader"]
    /\ nextIndex' = [nextIndex EXCEPT ![i] = [j \in Server |-> Len(log[i]) + 1]]
    /\ matchIndex' = [matchIndex EXCEPT ![i] = [j \in Server |-> 0]]
    /\ log' = [log EXCEPT ![i] = Append(@, [term |-> currentTerm[i], value |-> 0])]
    /\ votesGranted' = [votesGranted EXCEPT ![i] = {}]
    /\ UNCHANGED <<currentTerm, votedFor, commitIndex, messages>>

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
    /\ Reply(RequestVoteReply(i, m), m)
    /\ IF m.prevote \/ m.term < currentTerm[i]
       THEN UNCHANGED <<serverVars, logVars, candidateVars, leaderVars>>
       ELSE LET grant == VoteGrantable(i, m)
            IN /\ currentTerm' = [currentTerm EXCEPT ![i] = m.term]
               /\ votedFor' = [votedFor EXCEPT ![i] =
                                 IF grant THEN j ELSE IF m.term > currentTerm[i] THEN Nil ELSE @]
               /\ IF m.term > currentTerm[i]
                  THEN FollowerVolatile(i)
                  ELSE UNCHANGED <<role, candidateVars, leaderVars>>
               /\ UNCHANGED logVars

\* A grant for i's current (pre-)election is recorded; a rejection from a higher term makes i
\* follow in that term. (Anything else, e.g. a stale grant, is a DropMessage.)
HandleRequestVoteResponse(i, j, m) ==
    /\ Receivable(i, j, m, "RequestVoteResponse")
    /\ \/ /\ m.voteGranted
          /\ \/ m.prevote /\ role[i] = "PreCandidate" /\ m.term = currentTerm[i] + 1
             \/ ~m.prevote /\ role[i] = "Candidate" /\ m.term = currentTerm[i]
          /\ votesGranted' = [votesGranted EXCEPT ![i] = RecordVote(i, j)]
          /\ UNCHANGED <<serverVars, logVars, leaderVars>>
       \/ /\ ~m.voteGranted
          /\ m.term > currentTerm[i]
          /\ AdoptHigherTerm(i, m.term)
          /\ UNCHANGED logVars
    /\ Discard(m)

\* CheckQuorum, a lost election, or any other reason to give up: always allowed.
StepDown(i) ==
    /\ role[i] \in {"PreCandidate", "Candidate", "Leader"}
    /\ FollowerVolatile(i)
    /\ UNCHANGED <<currentTerm, votedFor, logVars, messages>>

-----------------------------------------------------------------------------
(* Replication *)

\* The leader appends a client command v (v >= 1; 0 is the no-op).
ClientRequest(i, v) ==
    /\ role[i] = "Leader"
    /\ log' = [log EXCEPT ![i] = Append(@, [term |-> currentTerm[i], value |-> v])]
    /\ UNCHANGED <<serverVars, commitIndex, candidateVars, leaderVars, messages>>

\* The leader sends j the k >= 0 entries from nextIndex[i][j] and, pipelining, advances
\* nextIndex past them without waiting for the answer.
SendAppendEntries(i, j, k) ==
    /\ role[i] = "Leader"
    /\ i /= j
    /\ LET prev == nextIndex[i][j] - 1
           last == prev + k
       IN /\ last <= Len(log[i])
          /\ Send(AppendEntriesRequest(currentTerm[i], i, j, prev, TermAt(log[i], prev),
                                       SubSeq(log[i], prev + 1, last), Min(commitIndex[i], last)))
          /\ nextIndex' = [nextIndex EXCEPT ![i][j] = last + 1]
    /\ UNCHANGED <<serverVars, logVars, candidateVars, matchIndex>>

\* An empty AppendEntries at what the leader knows j holds; nextIndex unchanged.
SendHeartbeat(i, j) ==
    /\ role[i] = "Leader"
    /\ i /= j
    /\ Send(AppendEntriesRequest(currentTerm[i], i, j, matchIndex[i][j],
                                 TermAt(log[i], matchIndex[i][j]), << >>,
                                 Min(commitIndex[i], matchIndex[i][j])))
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars>>

\* The consistency check (5.3).
AppendEntriesLogOk(i, m) ==
    \/ m.prevLogIndex = 0
    \/ /\ m.prevLogIndex <= Len(log[i])
       /\ log[i][m.prevLogIndex].term = m.prevLogTerm

\* The response i sends to the AppendEntriesRequest m (computed on i's state before the step).
\* On failure conflictTerm/conflictIndex let the leader skip a whole term at once.
AppendEntriesReply(i, m) ==
    IF m.term < currentTerm[i]
    THEN AppendEntriesResponse(currentTerm[i], i, m.from, FALSE, m.prevLogIndex, 0, 0)
    ELSE IF AppendEntriesLogOk(i, m)
    THEN AppendEntriesResponse(m.term, i, m.from, TRUE, m.prevLogIndex + Len(m.entries), 0, 0)
    ELSE IF m.prevLogIndex > Len(log[i])
    THEN AppendEntriesResponse(m.term, i, m.from, FALSE, m.prevLogIndex, 0, Len(log[i]) + 1)
    ELSE LET t == log[i][m.prevLogIndex].term
         IN AppendEntriesResponse(m.term, i, m.from, FALSE, m.prevLogIndex, t,
                                  FirstIndexOfTerm(log[i], t))

\* A request of a stale term is answered with i's term. Otherwise i adopts the term, follows,
\* and, if the consistency check passes, takes the new entries and the commit index the request
\* vouches for.
HandleAppendEntriesRequest(i, j, m) ==
    /\ Receivable(i, j, m, "AppendEntriesRequest")
    /\ Reply(AppendEntriesReply(i, m), m)
    /\ IF m.term < currentTerm[i]
       THEN UNCHANGED <<serverVars, logVars, candidateVars, leaderVars>>
       ELSE /\ currentTerm' = [currentTerm EXCEPT ![i] = m.term]
            /\ votedFor' = [votedFor EXCEPT ![i] = IF m.term > currentTerm[i] THEN Nil ELSE @]
            /\ FollowerVolatile(i)
            /\ IF AppendEntriesLogOk(i, m)
               THEN /\ log' = [log EXCEPT ![i] = AppendNewEntries(@, m.prevLogIndex, m.entries)]
                    /\ commitIndex' = [commitIndex EXCEPT ![i] =
                          Max(@, Min(m.commitIndex, m.prevLogIndex + Len(m.entries)))]
               ELSE UNCHANGED logVars

\* Where the leader retries after a rejection: past its last entry of the follower's
\* conflicting term if it has that term, else the follower's hint.
ConflictHint(i, m) ==
    IF m.conflictTerm /= 0 /\ HasTerm(log[i], m.conflictTerm)
    THEN LastIndexOfTerm(log[i], m.conflictTerm) + 1
    ELSE m.conflictIndex

\* A higher term makes i follow. The leader of the response's term records a success, or backs
\* nextIndex up after a rejection that is not older than what it knows j matches.
HandleAppendEntriesResponse(i, j, m) ==
    /\ Receivable(i, j, m, "AppendEntriesResponse")
    /\ \/ /\ m.term > currentTerm[i]
          /\ AdoptHigherTerm(i, m.term)
          /\ UNCHANGED logVars
       \/ /\ m.term = currentTerm[i]
          /\ role[i] = "Leader"
          /\ IF m.success
             THEN /\ matchIndex' = [matchIndex EXCEPT ![i][j] = Max(@, m.matchIndex)]
                  /\ nextIndex' = [nextIndex EXCEPT ![i][j] = Max(@, m.matchIndex + 1)]
             ELSE /\ m.matchIndex >= matchIndex[i][j]
                  /\ nextIndex' = [nextIndex EXCEPT ![i][j] =
                        Max(matchIndex[i][j] + 1, Min(ConflictHint(i, m), m.matchIndex))]
                  /\ UNCHANGED matchIndex
          /\ UNCHANGED <<serverVars, logVars, candidateVars>>
    /\ Discard(m)

\* The servers that hold entry n, as the leader i knows it (its own log counts as Len(log)).
Agree(i, n) == {i} \cup {k \in Server \ {i} : matchIndex[i][k] >= n}

\* The leader commits the largest entry of its term held by a quorum (and so all before it).
AdvanceCommitIndex(i) ==
    /\ role[i] = "Leader"
    /\ LET committable == {n \in commitIndex[i] + 1 .. Len(log[i]) :
                             IsQuorum(Agree(i, n)) /\ CommitByCounting(i, n)}
       IN /\ committable /= {}
          /\ commitIndex' = [commitIndex EXCEPT ![i] = MaxOf(committable)]
    /\ UNCHANGED <<serverVars, log, candidateVars, leaderVars, messages>>

-----------------------------------------------------------------------------
(* Failures *)

\* A crash and recovery: volatile state is lost; currentTerm, votedFor, log and commitIndex are
\* durable. Messages in flight stay in flight.
Restart(i) ==
    /\ FollowerVolatile(i)
    /\ UNCHANGED <<currentTerm, votedFor, logVars, messages>>

\* The network loses m, or i ignores it (stale, unwanted, leader stickiness, i is down).
DropMessage(m) ==
    /\ m \in DOMAIN messages
    /\ Discard(m)
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars>>

\* The network delivers m more than once.
DuplicateMessage(m) ==
    /\ m \in DOMAIN messages
    /\ Send(m)
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars>>

-----------------------------------------------------------------------------
(* The specification *)

\* The receive action for m, by its type.
Receive(m) ==
    LET i == m.to
        j == m.from
    IN \/ HandleRequestVoteRequest(i, j, m)
       \/ HandleRequestVoteResponse(i, j, m)
       \/ HandleAppendEntriesRequest(i, j, m)
       \/ HandleAppendEntriesResponse(i, j, m)

\* Every step, unbounded (client values are any v >= 1). MCRaft.tla bounds it for TLC.
Next ==
    \/ \E i \in Server :
          \/ Timeout(i)
          \/ BecomeCandidate(i)
          \/ BecomeLeader(i)
          \/ \E v \in Nat \ {0} : ClientRequest(i, v)
          \/ AdvanceCommitIndex(i)
          \/ StepDown(i)
          \/ Restart(i)
    \/ \E i, j \in Server :
          \/ SendHeartbeat(i, j)
          \/ \E k \in 0 .. Len(log[i]) : SendAppendEntries(i, j, k)
    \/ \E m \in DOMAIN messages :
          \/ Receive(m)
          \/ DropMessage(m)
          \/ DuplicateMessage(m)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Invariants *)

Entry == [term : Nat, value : Nat]

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
                         "AppendEntriesRequest", "AppendEntriesResponse"}
          /\ m.from \in Server /\ m.to \in Server /\ m.term \in Nat

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

(* Action properties *)

\* A leader only appends to its log while it leads in a term.
LeaderAppendOnly ==
    [][\A i \in Server :
          (role[i] = "Leader" /\ role'[i] = "Leader" /\ currentTerm'[i] = currentTerm[i]) =>
              /\ Len(log'[i]) >= Len(log[i])
              /\ SubSeq(log'[i], 1, Len(log[i])) = log[i]]_vars

\* Committed entries never change and the commit index never decreases.
CommittedEntriesNeverChange ==
    [][\A i \in Server :
          /\ commitIndex'[i] >= commitIndex[i]
          /\ commitIndex[i] <= Len(log'[i])
          /\ SubSeq(log'[i], 1, Min(commitIndex[i], Len(log[i]))) = Prefix(i, commitIndex[i])]_vars

=============================================================================
