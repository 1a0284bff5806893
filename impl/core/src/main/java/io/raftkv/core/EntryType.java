package io.raftkv.core;

/**
 * What a log entry carries. The spec models entries as {@code [term, value]} with value 0 for the
 * no-op a new leader appends (thesis §3.6.2 / §6.4: a leader commits an entry of its own term
 * before it can know which earlier entries are committed), and values >= 1 for client commands.
 * CONFIG entries exist so the log format need not change when membership changes arrive.
 */
public enum EntryType {
    NOOP,
    COMMAND,
    CONFIG
}
