-------------------- MODULE MutantPromiseExpiresUnderLease --------------------
(* Bug: a promise runs out while a lease rests on it (a promise shorter than *)
(* the lease, e.g. a lease not shortened by the clock drift bound). The      *)
(* follower whose promise the leader's lease counted on campaigns and wins   *)
(* the next term while the old leader still holds its lease and serves a    *)
(* read that misses the new leader's commit. Used by                         *)
(* MutantPromiseExpiresUnderLease.cfg as PromiseMayExpire <- AlwaysMayExpire. *)
EXTENDS MCRaft

\* Raft.tla: no lease of the promised term rests on a round <= promise[i].round
AlwaysMayExpire(i) == TRUE

=============================================================================
