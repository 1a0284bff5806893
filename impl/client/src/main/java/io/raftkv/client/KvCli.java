package io.raftkv.client;

import io.raftkv.cli.CliCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code raftkv kv put|get|del|cas}: one operation through {@link RaftKvClient}. Exit codes: 0 ok;
 * 1 the key is absent (get) or the comparison failed (cas); 3 the operation certainly failed;
 * 4 its outcome is unknown (it may still take effect); 2 is picocli's usage error. Anything but 0
 * comes with one line on stderr.
 */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = "Reads and writes keys of a running cluster (exit 0 ok, 1 absent key or failed"
                + " comparison, 3 failed, 4 unknown outcome).",
        subcommands = {KvCli.Put.class, KvCli.Get.class, KvCli.Delete.class, KvCli.CompareAndSet.class})
public final class KvCli implements CliCommand {
    public static final int EXIT_NO = 1;
    public static final int EXIT_FAILED = 3;
    public static final int EXIT_UNKNOWN = 4;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: put, get, del or cas");
    }

    /** Where the cluster is: a directory made by {@code cluster start}, or endpoints. */
    static final class Target {
        static final class Where {
            @Option(names = "--cluster", paramLabel = "DIR", description = "A cluster started by raftkv cluster"
                    + " start --dir DIR.")
            Path cluster;

            @Option(names = "--endpoints", paramLabel = "HOST:PORT,...", description = "Client addresses of the"
                    + " nodes.")
            String endpoints;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Where where;

        @Option(names = "--timeout-ms", defaultValue = "10000", description = "Give up after this long"
                + " (default ${DEFAULT-VALUE}).")
        long timeoutMillis;

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        RaftKvClient client() throws IOException {
            List<Endpoint> endpoints = where.cluster != null ? ClusterFile.read(where.cluster).clientEndpoints()
                    : Endpoint.parseList(where.endpoints);
            Duration timeout = Duration.ofMillis(timeoutMillis);
            RaftKvClient.Options options = RaftKvClient.Options.defaults(endpoints).withOperationTimeout(timeout);
            return RaftKvClient.connect(timeout.compareTo(options.attemptTimeout()) < 0
                    ? options.withAttemptTimeout(timeout) : options);
        }

        /** Runs one operation and turns its outcome into output and an exit code. */
        <T> int run(String name, Function<RaftKvClient, Outcome<T>> operation, Function<T, Result> onOk) {
            PrintWriter err = spec.commandLine().getErr();
            try (RaftKvClient client = client()) {
                Outcome<T> outcome = operation.apply(client);
                return switch (outcome) {
                    case Outcome.Ok<T> ok -> onOk.apply(ok.value()).print(spec.commandLine().getOut(), err, name);
                    case Outcome.Failed<T> failed when Api.COMPARE_FAILED.equals(failed.error()) ->
                            complain(err, name, failed.message(), EXIT_NO);
                    case Outcome.Failed<T> failed -> complain(err, name, outcome.describe(), EXIT_FAILED);
                    case Outcome.Unknown<T> unknown -> complain(err, name, outcome.describe(), EXIT_UNKNOWN);
                };
            } catch (IOException | IllegalArgumentException bad) {
                return complain(err, name, bad.getMessage(), EXIT_FAILED);
            }
        }
    }

    /** What to print for an Ok outcome. */
    record Result(String out, String err, int exitCode) {
        int print(PrintWriter stdout, PrintWriter stderr, String name) {
            if (out != null) {
                stdout.println(out);
                stdout.flush();
            }
            return err == null ? exitCode : complain(stderr, name, err, exitCode);
        }
    }

    static int complain(PrintWriter err, String name, String message, int exitCode) {
        err.println("raftkv kv " + name + ": " + message);
        err.flush();
        return exitCode;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Writes VALUE under KEY.")
    static final class Put implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Parameters(index = "1", paramLabel = "VALUE")
        String value;

        @Override
        public Integer call() {
            return target.run("put", client -> client.put(key, utf8(value)),
                    version -> new Result("ok, version " + version, null, 0));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Prints the value of KEY alone (a linearizable read); exit 1 if KEY is absent.")
    static final class Get implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Option(names = "--lease", description = "Let the leader answer from its lease, without a heartbeat round"
                + " (servers started with --lease-reads; still linearizable).")
        boolean lease;

        @Override
        public Integer call() {
            return target.run("get", client -> lease ? client.getLease(key) : client.get(key),
                    (Optional<VersionedValue> found) -> found
                    .map(value -> new Result(value.utf8(), null, 0))
                    .orElse(new Result(null, "no such key: " + key, EXIT_NO)));
        }
    }

    @Command(name = "del", mixinStandardHelpOptions = true, description = "Deletes KEY (ok whether or not it"
            + " existed).")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Override
        public Integer call() {
            return target.run("del", client -> client.delete(key),
                    existed -> new Result(existed ? "ok, deleted" : "ok, there was no such key", null, 0));
        }
    }

    @Command(name = "cas", mixinStandardHelpOptions = true,
            description = "Writes NEW under KEY if KEY holds EXPECTED; exit 1 if it holds something else.")
    static final class CompareAndSet implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Parameters(index = "1", paramLabel = "EXPECTED")
        String expected;

        @Parameters(index = "2", paramLabel = "NEW")
        String replacement;

        @Override
        public Integer call() {
            return target.run("cas", client -> client.compareAndSet(key, utf8(expected), utf8(replacement)),
                    version -> new Result("ok, version " + version, null, 0));
        }
    }
}
