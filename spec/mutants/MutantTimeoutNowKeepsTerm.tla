----------------------- MODULE MutantTimeoutNowKeepsTerm -----------------------
(* Bug: the target of a leadership transfer campaigns in the leader's term   *)
(* instead of the next one. It votes for itself in that term, and a voter    *)
(* that learnt the term from the leader's AppendEntries (so has not voted in *)
(* it) grants: two leaders of one term. Used by MutantTimeoutNowKeepsTerm.cfg *)
(* as  TransferTerm <- KeepTerm.                                              *)
EXTENDS MCRaft

\* Raft.tla: currentTerm[i] + 1
KeepTerm(i) == currentTerm[i]

=============================================================================
