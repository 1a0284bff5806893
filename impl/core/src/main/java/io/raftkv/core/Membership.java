package io.raftkv.core;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A cluster configuration (thesis §4.3, etcd's ConfState): the voters, while joint also the
 * outgoing voters of the configuration being left (C_old,new: every decision needs a majority of
 * both), and the learners, which receive the log but neither vote nor count (thesis §4.2.1). The
 * configuration of a node is that of the last CONFIG entry of its log, committed or not, else that
 * of its snapshot, else the initial one ({@link Config#members()}).
 *
 * @param voters   ascending, never empty: C_new while joint
 * @param outgoing ascending: C_old's voters while joint, else empty
 * @param learners ascending, disjoint from both voter sets
 */
public record Membership(List<Integer> voters, List<Integer> outgoing, List<Integer> learners) {

    private static final byte FORMAT = 1;

    public Membership {
        voters = ascending(voters, "voters");
        outgoing = ascending(outgoing, "outgoing");
        learners = ascending(learners, "learners");
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("a configuration needs at least one voter");
        }
        for (int learner : learners) {
            if (voters.contains(learner) || outgoing.contains(learner)) {
                throw new IllegalArgumentException("server " + learner + " is both a learner and a voter");
            }
        }
    }

    /** The configuration a cluster starts with: {@code voters}, nothing else. */
    public static Membership initial(List<Integer> voters) {
        return new Membership(voters, List.of(), List.of());
    }

    private static List<Integer> ascending(List<Integer> ids, String what) {
        if (ids == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        TreeSet<Integer> sorted = new TreeSet<>();
        for (Integer id : ids) {
            if (id == null || id < 1 || !sorted.add(id)) {
                throw new IllegalArgumentException(what + " must be distinct ids >= 1, got " + ids);
            }
        }
        return List.copyOf(sorted);
    }

    /** C_old,new: decisions need a majority of the voters and of the outgoing voters. */
    public boolean isJoint() {
        return !outgoing.isEmpty();
    }

    /** A voter of either half: it campaigns and its vote or replica may count. */
    public boolean isVoter(int id) {
        return voters.contains(id) || outgoing.contains(id);
    }

    public boolean isLearner(int id) {
        return learners.contains(id);
    }

    public boolean isMember(int id) {
        return isVoter(id) || isLearner(id);
    }

    /** Voters of both halves, ascending. */
    public List<Integer> allVoters() {
        TreeSet<Integer> all = new TreeSet<>(voters);
        all.addAll(outgoing);
        return List.copyOf(all);
    }

    /** Every member (voters of both halves and learners), ascending. */
    public List<Integer> members() {
        TreeSet<Integer> all = new TreeSet<>(allVoters());
        all.addAll(learners);
        return List.copyOf(all);
    }

    /** The quorum rule of this configuration. */
    Quorum quorum() {
        MajorityQuorum incoming = new MajorityQuorum(voters);
        return isJoint() ? new JointQuorum(incoming, new MajorityQuorum(outgoing)) : incoming;
    }

    /** The same voters with {@code id} as a new learner (no joint phase: learners count nowhere). */
    public Membership withLearner(int id) {
        List<Integer> more = new ArrayList<>(learners);
        more.add(id);
        return new Membership(voters, outgoing, more);
    }

    /** The same voters without the learner {@code id}. */
    public Membership withoutLearner(int id) {
        return new Membership(voters, outgoing, learners.stream().filter(l -> l != id).toList());
    }

    /** C_old,new towards {@code newVoters}: the current voters become the outgoing half. */
    public Membership enterJoint(List<Integer> newVoters) {
        return new Membership(newVoters, voters, learners.stream().filter(l -> !newVoters.contains(l)).toList());
    }

    /** C_new: the joint configuration without its outgoing half. */
    public Membership leaveJoint() {
        return new Membership(voters, List.of(), learners);
    }

    /** The payload of a CONFIG entry: a format byte, then three counted lists of 4-byte ids. */
    public byte[] encode() {
        byte[] out = new byte[1 + 4 * (3 + voters.size() + outgoing.size() + learners.size())];
        out[0] = FORMAT;
        int at = 1;
        for (List<Integer> ids : List.of(voters, outgoing, learners)) {
            at = putInt(out, at, ids.size());
            for (int id : ids) {
                at = putInt(out, at, id);
            }
        }
        return out;
    }

    /**
     * The configuration a CONFIG entry carries.
     *
     * @throws IllegalArgumentException if {@code data} is not one {@link #encode} wrote
     */
    public static Membership decode(byte[] data) {
        if (data == null || data.length < 13 || data[0] != FORMAT) {
            throw new IllegalArgumentException("not a configuration: " + (data == null ? "null" : data.length + " bytes"));
        }
        int[] at = {1};
        List<Integer> voters = readList(data, at);
        List<Integer> outgoing = readList(data, at);
        List<Integer> learners = readList(data, at);
        if (at[0] != data.length) {
            throw new IllegalArgumentException("a configuration with " + (data.length - at[0]) + " trailing bytes");
        }
        return new Membership(voters, outgoing, learners);
    }

    private static List<Integer> readList(byte[] data, int[] at) {
        int count = getInt(data, at);
        if (count < 0 || (long) count * 4 > data.length - at[0]) {
            throw new IllegalArgumentException("a configuration list of " + count + " ids in " + data.length + " bytes");
        }
        List<Integer> ids = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            ids.add(getInt(data, at));
        }
        return ids;
    }

    private static int putInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
        return at + 4;
    }

    private static int getInt(byte[] data, int[] at) {
        if (data.length - at[0] < 4) {
            throw new IllegalArgumentException("a configuration cut short at byte " + at[0]);
        }
        int k = at[0];
        at[0] = k + 4;
        return (data[k] & 0xff) << 24 | (data[k + 1] & 0xff) << 16 | (data[k + 2] & 0xff) << 8 | (data[k + 3] & 0xff);
    }

    @Override
    public String toString() {
        return isJoint() ? "voters " + voters + " and " + outgoing + (learners.isEmpty() ? "" : ", learners " + learners)
                : "voters " + voters + (learners.isEmpty() ? "" : ", learners " + learners);
    }
}
