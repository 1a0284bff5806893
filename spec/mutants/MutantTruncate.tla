---------------------------- MODULE MutantTruncate ----------------------------
(* Bug: a follower that accepts AppendEntries truncates its log after         *)
(* prevLogIndex even when the entries there already match, so a stale or     *)
(* duplicated request removes entries the follower acknowledged, possibly     *)
(* committed ones. Used by MutantTruncate.cfg as                              *)
(* AppendNewEntries <- TruncatingAppendNewEntries.                            *)
EXTENDS MCRaft

\* Raft.tla: keeps matching entries, truncates only at the first conflict.
TruncatingAppendNewEntries(lg, prevLogIndex, entries) == SubSeq(lg, 1, prevLogIndex) \o entries

=============================================================================
