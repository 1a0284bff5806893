package io.raftkv.cli;

import java.util.concurrent.Callable;

/**
 * A subcommand of the {@code raftkv} command.
 *
 * <p>Each module contributes its own subcommands (the simulator from the impl test-jar,
 * {@code model-check} from spec, {@code trace-check}, {@code check-history} from jepsen) by
 * implementing this interface on a picocli {@code @Command} class and listing it in
 * {@code META-INF/services/io.raftkv.cli.CliCommand}. {@link Main} discovers them with
 * {@link java.util.ServiceLoader}, so the CLI module needs no compile-time dependency on the
 * modules that depend on it.
 *
 * <p>{@link #call()} returns the process exit code.
 */
public interface CliCommand extends Callable<Integer> {
}
