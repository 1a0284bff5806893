---------------------- MODULE MutantLeaderCountsUnpersisted ----------------------
(* Bug: the leader counts its whole log toward a quorum, also the entries it   *)
(* has not written yet. It commits an entry held durably by a minority only,  *)
(* crashes, recovers without it and votes for a candidate that lacks it.      *)
(* Used by MutantLeaderCountsUnpersisted.cfg as                                *)
(* LeaderSelfMatch <- WholeLogSelfMatch.                                       *)
EXTENDS MCRaft

\* Raft.tla: durableLength[i]
WholeLogSelfMatch(i) == Len(log[i])

=============================================================================
