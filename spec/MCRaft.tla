------------------------------- MODULE MCRaft -------------------------------
(***************************************************************************)
(* Raft.tla bounded for TLC. The bounds are guards of MCNext (a step that  *)
(* would leave the bounds is not taken), so every state TLC explores is    *)
(* inside them and Raft.tla's actions stay unbounded for trace validation. *)
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

\* Room in the network for n more copies.
CanSend(n) == InFlight + n <= MaxMessages

Peers == Cardinality(Server) - 1

MCNext ==
    \/ \E i \in Server :
          \/ currentTerm[i] < MaxTerm /\ CanSend(Peers) /\ Timeout(i)
          \/ currentTerm[i] < MaxTerm /\ CanSend(Peers) /\ BecomeCandidate(i)
          \/ Len(log[i]) < MaxLogLength /\ BecomeLeader(i)
          \/ Len(log[i]) < MaxLogLength /\ \E v \in Values : ClientRequest(i, v)
          \/ AdvanceCommitIndex(i)
          \/ StepDown(i)
          \/ Restart(i)
    \/ \E i, j \in Server :
          /\ CanSend(1)
          /\ \/ SendHeartbeat(i, j)
             \/ \E k \in 0 .. MaxEntriesPerMessage : SendAppendEntries(i, j, k)
    \/ \E m \in DOMAIN messages :
          \/ Receive(m)
          \/ DropMessage(m)
          \/ messages[m] < MaxCopies /\ CanSend(1) /\ DuplicateMessage(m)

MCSpec == Init /\ [][MCNext]_vars

\* Servers are interchangeable: nothing in Raft.tla depends on their identity (SumCounts's CHOOSE
\* does not change its result).
Symmetry == Permutations(Server)

=============================================================================
