----------------------- MODULE MutantReadBeforeOwnCommit -----------------------
(* Bug: a new leader begins a read round before it has committed an entry of *)
(* its own term. Its commit index may then lag behind an entry an earlier     *)
(* leader committed, and the read misses it (thesis 6.4, step 1). Used by     *)
(* MutantReadBeforeOwnCommit.cfg as  ReadIndexAllowed <- ReadIndexAtOnce.     *)
EXTENDS MCRaft

\* Raft.tla: TermAt(log[i], commitIndex[i]) = currentTerm[i]
ReadIndexAtOnce(i) == TRUE

=============================================================================
