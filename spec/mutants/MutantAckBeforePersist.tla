------------------------- MODULE MutantAckBeforePersist -------------------------
(* Bug: a follower sends its success reply at once, before the entries it     *)
(* acknowledges are on disk. The leader counts the reply toward a quorum; the *)
(* follower crashes, recovers without the entries and votes for a candidate   *)
(* that lacks them, so a committed entry is lost.                              *)
(* Used by MutantAckBeforePersist.cfg as  AckSendable <- AckAtOnce.            *)
EXTENDS MCRaft

\* Raft.tla: match <= durable
AckAtOnce(match, durable) == TRUE

=============================================================================
