package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster file as the address book of membership changes: a file written before them (no
 * voters, no members) means every node is an initial voter and a member; with spares, the initial
 * voters and the recorded members are kept apart, survive a write and a read, and order the client
 * endpoints (members first, so a client tries them before spares and removed servers); a file
 * naming a server it has no address for is refused.
 */
class ClusterFileTest {
    @TempDir
    Path dir;

    private static List<ClusterFile.Node> nodes(int count) {
        return java.util.stream.IntStream.rangeClosed(1, count).mapToObj(id -> new ClusterFile.Node(id,
                "127.0.0." + id + ":7001", "127.0.0." + id + ":8001", 0, "")).toList();
    }

    @Test
    void aFileWithoutVotersHasEveryNodeAVoterAndAMember() throws IOException {
        Files.writeString(ClusterFile.path(dir), """
                {"clusterId": "raftkv", "nodes": [
                  {"id": 1, "peer": "127.0.0.1:7001", "client": "127.0.0.1:8001", "pid": 0, "startedAt": ""},
                  {"id": 2, "peer": "127.0.0.2:7001", "client": "127.0.0.2:8001", "pid": 0, "startedAt": ""}],
                 "jvmArgs": [], "serverArgs": [], "trace": false}
                """);
        ClusterFile old = ClusterFile.read(dir);
        assertEquals(List.of(1, 2), old.initialVoters());
        assertEquals(List.of(1, 2), old.currentMembers());
        assertTrue(old.isInitialVoter(2));
    }

    @Test
    void sparesAreKnownButNotVotersAndTheMembersComeFirst() throws IOException {
        List<Integer> voters = List.of(1, 2, 3);
        ClusterFile made = new ClusterFile("raftkv", nodes(5), List.of(), List.of(), false, voters, voters);
        made.withMembers(List.of(5, 3, 4)).write(dir);
        ClusterFile read = ClusterFile.read(dir);
        assertEquals(voters, read.initialVoters());
        assertFalse(read.isInitialVoter(4));
        assertEquals(List.of(3, 4, 5), read.currentMembers());
        assertEquals(List.of("127.0.0.3:8001", "127.0.0.4:8001", "127.0.0.5:8001", "127.0.0.1:8001", "127.0.0.2:8001"),
                read.clientEndpoints().stream().map(Endpoint::toString).toList());
        assertEquals(List.of(3, 4, 5), read.withNode(read.node(4).withProcess(42, "now")).currentMembers(),
                "recording a process keeps the members");
    }

    @Test
    void aServerWithoutAnAddressIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new ClusterFile("raftkv", nodes(3), List.of(), List.of(), false, List.of(1, 2, 7), null));
        assertTrue(refused.getMessage().contains("[1, 2, 7]"), refused.getMessage());
    }
}
