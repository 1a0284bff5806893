--------------------------- MODULE MutantForgetVote ---------------------------
(* Bug: votedFor is not durable: a restarted server forgets whom it voted for *)
(* in its current term and can vote again, for another candidate.            *)
(* Used by MutantForgetVote.cfg as  Restart <- ForgetfulRestart.              *)
EXTENDS MCRaft

\* Raft.tla's Restart, except that votedFor is lost with the volatile state.
ForgetfulRestart(i) ==
    /\ FollowerVolatile(i)
    /\ votedFor' = [votedFor EXCEPT ![i] = Nil]
    /\ UNCHANGED <<currentTerm, logVars, messages>>

=============================================================================
