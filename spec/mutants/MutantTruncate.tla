---------------------------- MODULE MutantTruncate ----------------------------
(* Bug: a follower that accepts AppendEntries truncates its log after         *)
(* prevLogIndex even when the entries there already match, so a stale or     *)
(* duplicated request removes entries the follower acknowledged, possibly     *)
(* committed ones. Used by MutantTruncate.cfg as                              *)
(* AppendNewEntries <- TruncatingAppendNewEntries.                            *)
EXTENDS MCRaft

\* Raft.tla: keeps matching entries, truncates only at the first conflict (s, the snapshot index,
\* is 0 in this mutant's configuration, which has no snapshots).
TruncatingAppendNewEntries(lg, s, prevLogIndex, entries) == SubSeq(lg, 1, prevLogIndex) \o entries

=============================================================================
