---------------------- MODULE MutantTransferVoteIgnoresLog ----------------------
(* Bug: a vote requested by a leadership transfer is granted without the      *)
(* election restriction (5.4.1), trusting that the old leader chose a target  *)
(* that is caught up. But the leader goes on appending and committing after  *)
(* it sends TimeoutNow, so the target may lag by the time it campaigns, win, *)
(* and overwrite a committed entry. Used by MutantTransferVoteIgnoresLog.cfg *)
(* as  LogUpToDate <- TransferVoteIgnoresLog.                                 *)
EXTENDS MCRaft

\* Raft.tla: m.lastLogTerm > LastTerm(log[i]) \/ (= /\ m.lastLogIndex >= Len(log[i])),
\* here waived for a transfer request (pre-votes are never transfer requests).
TransferVoteIgnoresLog(i, m) ==
    \/ m.transfer
    \/ m.lastLogTerm > LastTerm(log[i])
    \/ /\ m.lastLogTerm = LastTerm(log[i])
       /\ m.lastLogIndex >= Len(log[i])

=============================================================================
