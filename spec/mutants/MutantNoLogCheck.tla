--------------------------- MODULE MutantNoLogCheck ---------------------------
(* Bug: votes (and pre-votes) are granted without the election restriction   *)
(* (5.4.1), so a candidate missing committed entries can win an election.    *)
(* Used by MutantNoLogCheck.cfg as  LogUpToDate <- NoLogUpToDateCheck.        *)
EXTENDS MCRaft

\* Raft.tla: m.lastLogTerm > LastTerm(log[i]) \/ (= /\ m.lastLogIndex >= Len(log[i]))
NoLogUpToDateCheck(i, m) == TRUE

=============================================================================
