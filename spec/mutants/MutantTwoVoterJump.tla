-------------------------- MODULE MutantTwoVoterJump --------------------------
(* Bug: a change of two voters at once without the joint phase. From a       *)
(* configuration that is not joint, the leader may also go straight to one   *)
(* whose voters replace a voter by a learner ({s1,s2,s3} -> {s1,s2,s4}):     *)
(* a majority of the new voters ({s1,s4}) and one of the old ({s2,s3}) need  *)
(* not intersect, so an entry committed by the one is missing from a leader  *)
(* elected by the other. Used by MutantTwoVoterJump.cfg as                   *)
(* ConfigChangeAllowed <- TwoVoterJumpAllowed, with                          *)
(* ConfigCandidates <- TwoVoterJumpCandidates so that MCNext offers the jump *)
(* (and, narrowing the search, nothing but the jump and adding a learner).    *)
EXTENDS MCRaft

\* cur's voters with r replaced by the learner a, not joint.
Jump(cur, a, r) ==
    [voters |-> (cur.voters \ {r}) \cup {a}, outgoing |-> {}, learners |-> cur.learners \ {a}]

\* Raft.tla: LastConfigIndex(log[i]) <= commitIndex[i] /\ ConfigSuccessor(ConfigOf(i), c)
TwoVoterJumpAllowed(i, c) ==
    /\ LastConfigIndex(log[i]) <= commitIndex[i]
    /\ \/ ConfigSuccessor(ConfigOf(i), c)
       \/ /\ ~IsJoint(ConfigOf(i))
          /\ \E a \in ConfigOf(i).learners, r \in ConfigOf(i).voters : c = Jump(ConfigOf(i), a, r)

\* What MCNext offers ProposeConfig (MCRaft.tla: SingleServerChanges(i)), narrowed to what the
\* counterexample needs: a learner added, and the jump.
TwoVoterJumpCandidates(i) ==
    LET cur == ConfigOf(i)
    IN IF IsJoint(cur) THEN {}
       ELSE {[voters |-> cur.voters, outgoing |-> {}, learners |-> cur.learners \cup {j}] :
                j \in Server \ Members(cur)}
            \cup {Jump(cur, a, r) : a \in cur.learners, r \in cur.voters}

=============================================================================
