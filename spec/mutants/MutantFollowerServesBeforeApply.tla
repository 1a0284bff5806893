------------------- MODULE MutantFollowerServesBeforeApply -------------------
(* Bug: a follower serves its forwarded read as soon as the leader's answer *)
(* arrives, before its state machine has applied the answer's index, so the *)
(* read misses committed entries (thesis 6.4, step 4, at the follower). Used *)
(* by MutantFollowerServesBeforeApply.cfg as                                 *)
(* ForwardedReadApplied <- ResponseAppliedOrNot.                             *)
EXTENDS MCRaft

\* Raft.tla: appliedIndex[i] >= m.index
ResponseAppliedOrNot(i, m) == TRUE

=============================================================================
