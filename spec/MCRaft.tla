------------------------------- MODULE MCRaft -------------------------------
(***************************************************************************)
(* Raft.tla bounded for TLC. The bounds are guards of MCNext's steps, a    *)
(* state constraint and the ranges MCNext quantifies over, so Raft.tla's   *)
(* actions stay unbounded for trace validation.                            *)
(* The configurations (MCRaftQuick.cfg, MCRaftFull.cfg, mutants/*.cfg) set *)
(* the constants; spec/README.md lists what each one bounds.               *)
(***************************************************************************)
EXTENDS Raft, TLC

CONSTANTS
    MaxTerm,                \* no election beyond this term
    MaxLogLength,           \* no leader appends (no-op or command) beyond this length
    MaxMessages,            \* copies in flight, all messages together
    MaxCopies,              \* copies of one message (DuplicateMessage)
    MaxEntriesPerMessage,   \* entries in one AppendEntriesRequest
    Values                  \* client command values (>= 1)

ASSUME Values \subseteq Nat \ {0}

\* Copies in flight, all messages together.
RECURSIVE SumCounts(_)
SumCounts(S) ==
    IF S = {} THEN 0
    ELSE LET m == CHOOSE x \in S : TRUE IN messages[m] + SumCounts(S \ {m})
InFlight == SumCounts(DOMAIN messages)

\* Copies a broadcast adds (with Broadcast <- SendToOnePeer, a cfg also sets BroadcastCopies <- OneCopy).
BroadcastCopies == Cardinality(Server) - 1

\* Room in the network for n more copies.
CanSend(n) == InFlight + n <= MaxMessages

\* The actions that could leave the bounds, guarded so that TLC does not even generate the step
\* (generating successors only to prune them doubled the cost). Named, so that TLC names the action
\* of each step of a counterexample (printed without the MC).
MCTimeout(i) == currentTerm[i] < MaxTerm /\ CanSend(BroadcastCopies) /\ Timeout(i)
MCBecomeCandidate(i) == currentTerm[i] < MaxTerm /\ CanSend(BroadcastCopies) /\ BecomeCandidate(i)
MCBecomeLeader(i) == Len(log[i]) < MaxLogLength /\ BecomeLeader(i)
MCClientRequest(i, v) == Len(log[i]) < MaxLogLength /\ ClientRequest(i, v)
MCSendHeartbeat(i, j) == CanSend(1) /\ SendHeartbeat(i, j)
MCSendAppendEntries(i, j, k) == CanSend(1) /\ SendAppendEntries(i, j, k)
MCDuplicateMessage ==
    \E m \in DOMAIN messages : messages[m] < MaxCopies /\ CanSend(1) /\ DuplicateMessage(m)

\* Every step, with client values from Values and at most MaxEntriesPerMessage entries per
\* AppendEntriesRequest.
MCNext ==
    \/ \E i \in Server : MCTimeout(i)
    \/ \E i \in Server : MCBecomeCandidate(i)
    \/ \E i \in Server : MCBecomeLeader(i)
    \/ \E i \in Server, v \in Values : MCClientRequest(i, v)
    \/ \E i \in Server : AdvanceCommitIndex(i)
    \/ \E i \in Server : StepDown(i)
    \/ \E i \in Server : Restart(i)
    \/ \E i, j \in Server : MCSendHeartbeat(i, j)
    \/ \E i, j \in Server, k \in 0 .. MaxEntriesPerMessage : MCSendAppendEntries(i, j, k)
    \/ AnyHandleRequestVoteRequest
    \/ AnyHandleRequestVoteResponse
    \/ AnyHandleAppendEntriesRequest
    \/ AnyHandleAppendEntriesResponse
    \/ AnyDropMessage
    \/ MCDuplicateMessage

\* The bounds, as a state constraint too: TLC neither explores nor counts a state outside them.
\* (The guards above already keep almost every step inside; a repeated send of a message still in
\* flight can exceed MaxCopies.)
StateConstraint ==
    /\ \A i \in Server : currentTerm[i] <= MaxTerm /\ Len(log[i]) <= MaxLogLength
    /\ \A m \in DOMAIN messages : m.term <= MaxTerm /\ messages[m] <= MaxCopies
    /\ InFlight <= MaxMessages

MCSpec == Init /\ [][MCNext]_vars

-----------------------------------------------------------------------------
(* Narrowing the search. A mutant whose counterexample is deep (Figure 8 needs *)
(* four elections) substitutes these in its cfg. Each only removes behaviours,*)
(* so whatever TLC finds is still a behaviour of the spec it checks.          *)

\* Broadcast <- SendToOnePeer (and BroadcastCopies <- OneCopy): a broadcast of which all copies
\* but one are lost at once.
SendToOnePeer(i, F(_)) == \E j \in Server \ {i} : messages' = WithMessage(F(j), messages)
OneCopy == 1

\* An action substituted by Off1/Off2/Off3 (by arity) never happens.
Off1(i) == FALSE
Off2(i, j) == FALSE
Off3(i, j, k) == FALSE

\* CONSTRAINT OneActive: at most one server is not a follower at a time.
OneActive == Cardinality({i \in Server : role[i] /= "Follower"}) <= 1

\* Servers are interchangeable: nothing in Raft.tla depends on their identity (SumCounts's CHOOSE
\* does not change its result).
Symmetry == Permutations(Server)

=============================================================================
