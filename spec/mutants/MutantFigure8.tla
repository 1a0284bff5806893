---------------------------- MODULE MutantFigure8 ----------------------------
(* Bug: the leader commits an entry of an earlier term by counting replicas   *)
(* (the Raft paper's Figure 8). Such an entry can still be overwritten by a   *)
(* later leader that never had it, so a committed entry is lost.             *)
(* Used by MutantFigure8.cfg as  CommitByCounting <- Figure8CommitByCounting. *)
(* The counterexample needs four elections, so the cfg also switches off the  *)
(* actions it does not need (heartbeats, step-down, restart) by substituting  *)
(* Off for them, to keep the breadth-first search short.                      *)
EXTENDS MCRaft

\* Raft.tla: log[i][n].term = currentTerm[i]
Figure8CommitByCounting(i, n) == TRUE

\* For the actions this mutant's search leaves out.
Off1(i) == FALSE
Off2(i, j) == FALSE

=============================================================================
