package io.raftkv.jepsen.runner;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.SplittableRandom;

/** A peer port and a client port free on every 127.0.0.N of the cluster. */
final class Ports {
  private Ports() {}

  /** {peer, client}: tried from a random base in [20000, 50000) so parallel runs rarely collide. */
  static int[] free(int nodes) {
    SplittableRandom random = new SplittableRandom(System.nanoTime());
    for (int attempt = 0; attempt < 200; attempt++) {
      int peer = 20_000 + random.nextInt(30_000);
      if (freeOnAll(peer, nodes) && freeOnAll(peer + 1, nodes)) {
        return new int[] {peer, peer + 1};
      }
    }
    throw new IllegalStateException("no free port pair found on 127.0.0.1.." + nodes);
  }

  private static boolean freeOnAll(int port, int nodes) {
    for (int id = 1; id <= nodes; id++) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress("127.0.0." + id, port));
      } catch (IOException taken) {
        return false;
      }
    }
    return true;
  }
}
