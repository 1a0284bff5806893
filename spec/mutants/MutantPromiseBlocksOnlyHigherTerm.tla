------------------- MODULE MutantPromiseBlocksOnlyHigherTerm -------------------
(* Bug: a promise blocks only vote requests of a term above the server's own  *)
(* (the core's bug fixed by commit cf58214). A promised follower that adopted *)
(* a higher term from the rejection of a vote request it had sent before it   *)
(* heard the leader, without hearing a leader of that term, grants a vote in  *)
(* it while its promise holds: the candidate wins while the old leader's      *)
(* lease still counts on that promise. Used by                                *)
(* MutantPromiseBlocksOnlyHigherTerm.cfg as                                   *)
(* PromiseBlocksVote <- BlocksOnlyHigherTerm.                                 *)
EXTENDS MCRaft

\* Raft.tla: m.term >= currentTerm[i] /\ m.term > promise[i].term
BlocksOnlyHigherTerm(i, m) ==
    /\ PromiseHolds(i)
    /\ ~m.prevote
    /\ ~m.transfer
    /\ m.term > currentTerm[i]

=============================================================================
