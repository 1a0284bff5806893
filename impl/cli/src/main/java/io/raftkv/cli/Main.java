package io.raftkv.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code raftkv} command; subcommands are discovered, see {@link CliCommand}. */
@Command(
    name = "raftkv",
    mixinStandardHelpOptions = true,
    version = "raftkv 0.1.0",
    description = "A Raft replicated key-value store, model-checked, trace-validated and Jepsen-tested.")
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }

  /** Builds the command line with every subcommand found on the class path, sorted by name. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    List<CliCommand> commands = new ArrayList<>();
    ServiceLoader.load(CliCommand.class).forEach(commands::add);
    commands.sort(Comparator.comparing(Main::nameOf));
    for (CliCommand command : commands) {
      commandLine.addSubcommand(nameOf(command), command);
    }
    return commandLine;
  }

  private static String nameOf(CliCommand command) {
    Command annotation = command.getClass().getAnnotation(Command.class);
    if (annotation == null || annotation.name().isEmpty()) {
      throw new IllegalStateException(command.getClass() + " lacks @Command(name = ...)");
    }
    return annotation.name();
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
