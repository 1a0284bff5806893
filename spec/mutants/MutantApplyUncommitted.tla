------------------------ MODULE MutantApplyUncommitted ------------------------
(* Bug: the state machine is handed every entry of the log, committed or not. *)
(* An uncommitted entry can still be overwritten by a later leader, so the    *)
(* state machine would have applied a command that never happened. Used by  *)
(* MutantApplyUncommitted.cfg as  ApplyBound <- WholeLogApplyBound.           *)
EXTENDS MCRaft

\* Raft.tla: Min(commitIndex[i], durableLength[i])
WholeLogApplyBound(i) == Len(log[i])

=============================================================================
