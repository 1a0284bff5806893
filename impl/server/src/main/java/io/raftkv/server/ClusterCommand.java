package io.raftkv.server;

import io.raftkv.cli.CliCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code raftkv cluster ...}: a local cluster of real server processes, recorded in DIR/cluster.json. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Starts, inspects, kills and restarts a local cluster of raftkv server processes, and grows,"
                + " shrinks and replaces its members.",
        subcommands = {ClusterStart.class, ClusterStatus.class, ClusterStop.class, ClusterKill.class, ClusterTransfer.class,
            ClusterRestart.class, ClusterFailover.class, ClusterAdd.class, ClusterRemove.class, ClusterPromote.class})
public final class ClusterCommand implements CliCommand {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand: start, status, stop, kill, restart, transfer, failover, add, remove or promote");
    }
}
