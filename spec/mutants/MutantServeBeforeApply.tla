------------------------ MODULE MutantServeBeforeApply ------------------------
(* Bug: a leader serves a confirmed read before its state machine has applied *)
(* the read's index, so the read misses committed entries (thesis 6.4, step  *)
(* 4). Used by MutantServeBeforeApply.cfg as  ReadApplied <- AppliedOrNot.    *)
EXTENDS MCRaft

\* Raft.tla: appliedIndex[i] >= r.index
AppliedOrNot(i, r) == TRUE

=============================================================================
