--------------------------- MODULE MutantForgetVote ---------------------------
(* Bug: votedFor is not durable: a restarted server forgets whom it voted for *)
(* in its current term and can vote again, for another candidate.            *)
(* Used by MutantForgetVote.cfg as  NEXT ForgetVoteNext.                      *)
EXTENDS MCRaft

\* Raft.tla's Restart without AsyncPersist (the whole log and commitIndex kept), except that
\* votedFor is lost with the volatile state.
ForgetfulRestart(i) ==
    /\ FollowerVolatile(i)
    /\ votedFor' = [votedFor EXCEPT ![i] = Nil]
    /\ pendingAcks' = [pendingAcks EXCEPT ![i] = {}]
    /\ appliedIndex' = [appliedIndex EXCEPT ![i] = 0]
    /\ UNCHANGED <<currentTerm, promise, logVars, durableLength, messages, lastRead>>

\* Without AsyncPersist MCNext leaves Restart out (it changes nothing StepDown does not then);
\* this one differs.
ForgetVoteNext == MCNext \/ \E i \in Server : ForgetfulRestart(i)

=============================================================================
