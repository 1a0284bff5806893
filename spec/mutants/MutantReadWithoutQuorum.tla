------------------------ MODULE MutantReadWithoutQuorum ------------------------
(* Bug: a leader serves a read without confirming by a round of heartbeats     *)
(* that it still leads. A deposed leader that has not heard of its successor   *)
(* then serves a read that misses what the new leader has committed (thesis    *)
(* 6.4, step 3). Used by MutantReadWithoutQuorum.cfg as                        *)
(* ReadConfirmed <- ReadConfirmedAlone.                                        *)
EXTENDS MCRaft

\* Raft.tla: IsQuorum(r.acks)
ReadConfirmedAlone(i, r) == TRUE

=============================================================================
