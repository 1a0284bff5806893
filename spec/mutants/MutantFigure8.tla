---------------------------- MODULE MutantFigure8 ----------------------------
(* Bug: the leader commits an entry of an earlier term by counting replicas   *)
(* (the Raft paper's Figure 8). Such an entry can still be overwritten by a   *)
(* later leader that never had it, so a committed entry is lost.             *)
(* Used by MutantFigure8.cfg as  CommitByCounting <- Figure8CommitByCounting. *)
EXTENDS MCRaft

\* Raft.tla: log[i][n].term = currentTerm[i]
Figure8CommitByCounting(i, n) == TRUE

=============================================================================
