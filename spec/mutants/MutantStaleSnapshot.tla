-------------------------- MODULE MutantStaleSnapshot --------------------------
(* Bug: a follower installs the last chunk of a snapshot without checking it *)
(* against its commit index. A stale, reordered or duplicated InstallSnapshot *)
(* at or below what the follower has committed is installed all the same: the*)
(* commit index and the state machine move back to the snapshot's index and, *)
(* unless the follower holds the snapshot's last entry durably, a longer      *)
(* committed log is replaced by the snapshot's shorter one. Used by           *)
(* MutantStaleSnapshot.cfg as  SnapshotIsNew <- AnySnapshotIsNew.            *)
EXTENDS MCRaft

\* Raft.tla: m.snapshotIndex > commitIndex[i]
AnySnapshotIsNew(i, m) == TRUE

=============================================================================
