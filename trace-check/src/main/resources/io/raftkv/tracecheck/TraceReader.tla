----------------------------- MODULE TraceReader -----------------------------
(***************************************************************************)
(* ReadNdjson(path): the event lines of the NDJSON trace at path, as a     *)
(* tuple of records.  Its body is Java (io.raftkv.tracecheck.              *)
(* TraceReaderOperators, found by TLC through tlc2.overrides.TLCOverrides  *)
(* on its class path); the TLA+ body only stops TLC when the override is   *)
(* missing, so that a missing reader can never look like an empty trace.   *)
(***************************************************************************)
EXTENDS TLC

ReadNdjson(path) == Assert(FALSE, "ReadNdjson needs the Java override on TLC's class path")
=============================================================================
