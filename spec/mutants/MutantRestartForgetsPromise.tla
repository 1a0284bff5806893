--------------------- MODULE MutantRestartForgetsPromise ---------------------
(* Bug: a restarted server has forgotten its promise (it is volatile, and the *)
(* server does not hold a fresh one for an election timeout after it starts). *)
(* The follower on whose promise the leader's lease rests restarts, campaigns *)
(* at once and wins the next term while the old leader still holds its lease *)
(* and serves a read that misses the new leader's commit. Used by            *)
(* MutantRestartForgetsPromise.cfg as PromiseAfterRestart <- ForgetPromise.  *)
EXTENDS MCRaft

\* Raft.tla: promise[i]
ForgetPromise(i) == NoPromise

=============================================================================
