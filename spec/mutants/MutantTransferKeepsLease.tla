----------------------- MODULE MutantTransferKeepsLease -----------------------
(* Bug: a leader keeps its lease when it hands leadership over (TimeoutNow). *)
(* The target's vote requests are marked transfer and pass every promise, so *)
(* the target wins the next term at once, commits, and the old leader, still *)
(* leading on its lease, serves a read that misses that commit. Used by      *)
(* MutantTransferKeepsLease.cfg as LeaseAfterTransfer <- KeepLease.          *)
EXTENDS MCRaft

\* Raft.tla: -1 (given up for the rest of the term)
KeepLease(i) == lease[i]

=============================================================================
