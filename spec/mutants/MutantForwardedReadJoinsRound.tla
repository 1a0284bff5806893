-------------------- MODULE MutantForwardedReadJoinsRound --------------------
(* Bug: a leader lets a forwarded read join one of its own read rounds in   *)
(* progress instead of beginning a new one. That round's index is the commit *)
(* index when it began, which may lie below what was committed before the   *)
(* follower's read began, and the follower serves a stale read. Used by     *)
(* MutantForwardedReadJoinsRound.cfg as                                      *)
(* MCHandleReadIndexRequest <- HandleOrJoinReadIndexRequest.                 *)
EXTENDS MCRaft

\* Not in Raft.tla, which always begins a new round (readSeq + 1) at the leader's commit index:
\* the request takes a copy of a pending round of the leader's own (its id, index and acks, so it
\* is confirmed with it), answered by SendReadIndexResponse like any forwarded round.
JoinRoundInProgress(i, j, m) ==
    /\ Receivable(i, j, m, "ReadIndexRequest")
    /\ role[i] = "Leader"
    /\ ReadIndexAllowed(i)
    /\ \E r \in pendingReads[i] :
          /\ r.origin = i
          /\ pendingReads' = [pendingReads EXCEPT ![i] = @ \cup {[r EXCEPT !.origin = j, !.start = m.start]}]
    /\ Discard(m)
    /\ UNCHANGED <<serverVars, logVars, candidateVars, leaderVars, persistVars, applyVars, readSeq,
                   lease>>

\* MCRaft.tla: HandleReadIndexRequest only.
HandleOrJoinReadIndexRequest ==
    /\ FollowerReads
    /\ \E m \in DOMAIN messages :
          /\ readSeq[m.to] < MaxReads
          /\ \/ HandleReadIndexRequest(m.to, m.from, m)
             \/ JoinRoundInProgress(m.to, m.from, m)

=============================================================================
