--------------------------- MODULE MutantForgetVote ---------------------------
(* Bug: votedFor is not durable: a restarted server forgets whom it voted for *)
(* in its current term and can vote again, for another candidate.            *)
(* Used by MutantForgetVote.cfg as  NEXT ForgetVoteNext.                      *)
EXTENDS MCRaft

\* Raft.tla's Restart, except that votedFor is lost with the volatile state.
ForgetfulRestart(i) ==
    /\ FollowerVolatile(i)
    /\ votedFor' = [votedFor EXCEPT ![i] = Nil]
    /\ UNCHANGED <<currentTerm, logVars, messages>>

\* MCNext leaves Restart out (in Raft.tla it changes nothing StepDown does not); this one differs.
ForgetVoteNext == MCNext \/ \E i \in Server : ForgetfulRestart(i)

=============================================================================
