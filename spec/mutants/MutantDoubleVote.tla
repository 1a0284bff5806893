--------------------------- MODULE MutantDoubleVote ---------------------------
(* Bug: a candidate counts votes with a counter, so a duplicated grant counts *)
(* twice. Raft.tla keeps votes as a set of voters; the counter is modelled by *)
(* the set's size: a repeated grant adds one more vote, from a server that has *)
(* not voted. Used by MutantDoubleVote.cfg as  RecordVote <- CountVoteTwice.   *)
(* CHOOSE picks a particular server, so this mutant is checked without        *)
(* symmetry; to keep that search small its cfg also switches off the actions  *)
(* the bug does not need (replication, commit, step-down, restart) by         *)
(* substituting Off for them.                                                 *)
EXTENDS MCRaft

\* Raft.tla: votesGranted[i] \cup {j}
CountVoteTwice(i, j) ==
    IF j \in votesGranted[i] /\ votesGranted[i] /= Server
    THEN votesGranted[i] \cup {CHOOSE k \in Server \ votesGranted[i] : TRUE}
    ELSE votesGranted[i] \cup {j}

\* For the actions this mutant's search leaves out.
Off1(i) == FALSE
Off2(i, j) == FALSE
Off3(i, j, k) == FALSE

=============================================================================
