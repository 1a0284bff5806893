-------------------- MODULE MutantForwardedReadUnconfirmed --------------------
(* Bug: a leader answers a forwarded read at once with its commit index,     *)
(* without a read round confirmed by a quorum (thesis 6.4, step 2). A leader *)
(* deposed without knowing it answers with a commit index below what the    *)
(* new leader has committed, and the follower serves a stale read. Used by  *)
(* MutantForwardedReadUnconfirmed.cfg as                                     *)
(* HandleReadIndexRequest <- AnswerReadIndexAtOnce.                          *)
EXTENDS MCRaft

\* Raft.tla: a new read round for the request, answered by SendReadIndexResponse once a quorum
\* has confirmed it.
AnswerReadIndexAtOnce(i, j, m) ==
    /\ Receivable(i, j, m, "ReadIndexRequest")
    /\ role[i] = "Leader"
    /\ ReadIndexAllowed(i)
    /\ Reply(ReadIndexResponse(currentTerm[i], i, j, commitIndex[i], m.start), m)
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, persistVars, readVars, applyVars>>

=============================================================================
