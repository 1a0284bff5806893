package io.raftkv.jepsen.nemesis;

import io.raftkv.jepsen.db.LocalDb;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Partitions made by the kernel: nftables rules on the input hook, in a table of the harness's own
 * ({@value #TABLE}), so healing never touches anything else. Node N listens and dials from
 * 127.0.0.N, so a rule on source and destination address cuts one direction of one link. Rules
 * match the cluster's peer port only (as destination for connections the receiver accepted, as
 * source for those it dialed), so the clients' HTTP traffic and other clusters on the same
 * addresses pass: clients, as in Jepsen, are not partitioned from their nodes. Dropped, not
 * rejected: the sender sees silence, as in a real partition.
 *
 * <p>The table is deleted at the start of a run (a crashed run's leftovers), at every heal, at the
 * end, and by a shutdown hook (Ctrl-C).
 */
public final class Nftables {
  public static final String TABLE = "raftkv_jepsen";
  private static final String CHAIN = "input";

  private final int peerPort;

  public Nftables(int peerPort) {
    this.peerPort = peerPort;
  }

  /**
   * The nft script that replaces the table with one holding {@code grudge}: declaring the table
   * first makes the delete succeed when there is none, and {@code nft -f} applies it atomically.
   */
  public String script(Grudge grudge) {
    StringBuilder script = new StringBuilder();
    script.append("table inet ").append(TABLE).append('\n');
    script.append("delete table inet ").append(TABLE).append('\n');
    script.append("table inet ").append(TABLE).append(" {\n");
    script.append("  chain ").append(CHAIN).append(" {\n");
    script.append("    type filter hook input priority 0; policy accept;\n");
    grudge.drops().forEach((node, from) -> {
      for (int source : from) {
        for (String port : List.of("dport", "sport")) {
          script.append("    ip saddr ").append(LocalDb.address(source)).append(" ip daddr ")
              .append(LocalDb.address(node)).append(" tcp ").append(port).append(' ').append(peerPort)
              .append(" drop\n");
        }
      }
    });
    return script.append("  }\n}\n").toString();
  }

  /** The script that removes the table (and does nothing when there is none). */
  public static String healScript() {
    return "table inet " + TABLE + "\ndelete table inet " + TABLE + "\n";
  }

  public void apply(Grudge grudge) throws IOException {
    run(script(grudge));
  }

  public static void heal() throws IOException {
    run(healScript());
  }

  /** Whether the harness's table exists now. */
  public static boolean tablePresent() throws IOException {
    return nft(List.of("list", "tables"), "").contains("inet " + TABLE);
  }

  /**
   * Why partitions cannot be made here, or empty if they can: not root, no nft, or nft refuses
   * (e.g. no permission in a container).
   */
  public static Optional<String> unavailableReason() {
    Optional<Path> nft = executable("nft");
    if (nft.isEmpty()) {
      return Optional.of("nft is not installed (apt-get install -y nftables)");
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("not running as root (nftables rules need root)");
    }
    try {
      nft(List.of("list", "tables"), "");
      return Optional.empty();
    } catch (IOException refused) {
      return Optional.of("nft does not work here: " + refused.getMessage());
    }
  }

  public static Optional<Path> executable(String name) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static void run(String script) throws IOException {
    nft(List.of("-f", "-"), script);
  }

  private static String nft(List<String> args, String input) throws IOException {
    Path nft = executable("nft").orElseThrow(() -> new IOException("nft is not installed"));
    List<String> command = new java.util.ArrayList<>(List.of(nft.toString()));
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(input.getBytes(StandardCharsets.UTF_8));
    }
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("nft " + String.join(" ", args) + " failed: " + output.strip());
      }
      return output;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while running nft", interrupted);
    }
  }
}
