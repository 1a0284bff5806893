package io.raftkv.jepsen.checker;

import io.raftkv.jepsen.model.Model;
import io.raftkv.jepsen.model.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Wing & Gong's linearizability search with Lowe's memoisation, over one partition.
 *
 * <p>Calls and returns of the ops that certainly took effect sit in one doubly linked list in
 * real-time order (history order), as primitive arrays with a head and a tail sentinel. The search
 * walks the list from the head: at a call it tries to linearize the op now (step the model; if
 * legal and the configuration — set of linearized ops plus model state — is new, "lift" the op's
 * call and return out of the list in O(1), push it, and restart from the head). At the first
 * return whose call is still in the list, it tries the ops of unknown outcome invoked before that
 * return (they have no return: they may take effect at any later point, or never; they live in a
 * list of their own so the walk above never steps over them). When every candidate has failed, no
 * linearization of the current prefix can respect real time: it pops the last op, "unlifts" it,
 * and tries the next candidate after it. It succeeds once every op that certainly took effect is
 * linearized.
 *
 * <p>Speed: model states are interned to ints and transitions cached in an
 * {@code int[state][op]} table filled lazily, so the loop steps by array lookup; the set of
 * linearized ops is a {@code long[]} bitset mutated in place with an incrementally maintained
 * Zobrist hash (random 64-bit value per op, XORed in and out), mixed with the state id; the cache
 * of visited configurations is an open-addressing table over flat arrays. The loop allocates only
 * when it meets a new state or grows the cache.
 *
 * <p>Bounds: the deadline and the cancel flag are polled every few thousand steps; the memory the
 * cache and the transition table hold is taken from the budget, which the searches of a check
 * share, and given back with the verdict. Past either bound, the verdict is UNKNOWN.
 *
 * <p>Turns: the search can stop after a given number of steps and resume where it stood ({@link
 * #resume}), so that the searches of several partitions can take turns ({@link TurnTaking}).
 */
final class WglSearch {
  private static final int UNCOMPUTED = -2;
  private static final int ILLEGAL = -1;
  /** Steps between looks at the deadline and the cancel flag. */
  private static final int POLL_INTERVAL = 4096;
  private static final long ZOBRIST_SEED = 0x5DEECE66DL;

  private final Model model;
  private final Operation[] ops;
  private final boolean[] required;
  private final int[] invokePosition;
  /** Op number here -> position in the partition's list. */
  private final int[] original;
  private final int requiredCount;
  private final int optionalCount;
  private final Budget budget;

  // The list: node 0 is the head, nodes 1..events are calls and returns, the last is the tail.
  private final int head = 0;
  private final int tail;
  private final int[] next;
  private final int[] prev;
  private final int[] nodeOp;
  private final int[] nodePosition;
  private final boolean[] nodeIsCall;
  private final int[] callNode;
  private final int[] returnNode;
  private final long[] zobrist;

  // Ops of unknown outcome are kept apart, in their own doubly linked list over op ids with a
  // head and a tail sentinel, holding only the earliest unused op of each kind (see twins).
  private final int optionalHead;
  private final int optionalTail;
  private final int[] optionalNext;
  private final int[] optionalPrev;
  /** For an op of unknown outcome: the next-invoked identical one, or -1. */
  private final int[] nextTwin;

  // Model states interned as ints, with the lazily filled transition table.
  private final HashMap<Object, Integer> stateIds = new HashMap<>();
  private final List<Object> states = new ArrayList<>();
  private int[][] transitions = new int[16][];

  private final ConfigurationCache cache;
  /** Bytes this search holds of the budget's shared allowance; given back with the verdict. */
  private long reservedBytes;

  // Where the search stands, kept in fields so that it can stop after some steps and resume.
  // linearized is null until the search starts.
  private long[] linearized;
  /** Zobrist hash of {@code linearized} (of its ops that have a Zobrist value). */
  private long hash;
  private int[] stackOp;
  /** The model state before each op on the stack. */
  private int[] stackState;
  /** For an op of unknown outcome on the stack: the first return in the list when it was tried. */
  private int[] stackBound;
  private int depth;
  private int state;
  /** Ops of known outcome not yet linearized. */
  private int remaining;
  /** The walk's place in the list (while not in the optional pass). */
  private int node;
  /** Whether the walk is trying ops of unknown outcome, before the return at {@code bound}. */
  private boolean optionalPass;
  /** The walk's place in the optional list (in the optional pass). */
  private int optional;
  private int bound;
  private long steps;
  private Diagnostics diagnostics;
  /** The verdict, once reached. */
  private SearchResult result;

  /**
   * @param model the partition's model
   * @param partition the partition's ops, in invocation order
   */
  WglSearch(Model model, List<PairedOp> partition, Budget budget) {
    this(model, partition, budget, true);
  }

  /**
   * @param dominance prune configurations dominated by one with fewer unknown-outcome ops (off:
   *     plain equality, as in Lowe's algorithm; for testing that the pruning changes no verdict)
   */
  WglSearch(Model model, List<PairedOp> partition, Budget budget, boolean dominance) {
    this.model = model;
    this.budget = budget;
    int n = partition.size();
    ops = new Operation[n];
    required = new boolean[n];
    invokePosition = new int[n];
    // Ops are renumbered so that those of known outcome come first: their bits then fill the low
    // words of every bitset and those of unknown outcome the high words, and the cache compares
    // only the words each test needs.
    original = new int[n];
    int numbered = 0;
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < n; i++) {
        if (partition.get(i).required() == (pass == 0)) {
          original[numbered++] = i;
        }
      }
    }
    int count = 0;
    long[] events = new long[2 * n];
    int eventCount = 0;
    for (int i = 0; i < n; i++) {
      PairedOp p = partition.get(original[i]);
      ops[i] = p.operation();
      required[i] = p.required();
      invokePosition[i] = p.invokePosition();
      if (required[i]) {
        count++;
        // Sort key: history position, then op; the low bit says call (0) or return (1).
        events[eventCount++] = ((long) p.invokePosition() << 32) | ((long) i << 1);
        events[eventCount++] = ((long) p.returnPosition() << 32) | ((long) i << 1) | 1L;
      }
    }
    requiredCount = count;
    // Twins: identical ops of unknown outcome are interchangeable once both are invoked (neither
    // has a return), so only the earliest-invoked unused one of each kind is ever a candidate. A
    // linearization using a later twin while an earlier one is unused can use the earlier one
    // instead: it was invoked before, so it fits wherever the later one does. The optional list
    // therefore starts with the first op of each kind, and linearizing one puts its next twin in
    // its place.
    nextTwin = new int[n];
    Arrays.fill(nextTwin, -1);
    optionalHead = n;
    optionalTail = n + 1;
    optionalNext = new int[n + 2];
    optionalPrev = new int[n + 2];
    HashMap<Operation, Integer> lastOfKind = new HashMap<>();
    int last = optionalHead;
    for (int i = 0; i < n; i++) {
      if (required[i]) {
        continue;
      }
      Integer twin = lastOfKind.put(ops[i], i);
      if (twin != null) {
        nextTwin[twin] = i;
      } else {
        optionalNext[last] = i;
        optionalPrev[i] = last;
        last = i;
      }
    }
    optionalNext[last] = optionalTail;
    optionalPrev[optionalTail] = last;
    Arrays.sort(events, 0, eventCount);
    tail = eventCount + 1;
    next = new int[eventCount + 2];
    prev = new int[eventCount + 2];
    nodeOp = new int[eventCount + 2];
    nodePosition = new int[eventCount + 2];
    nodeIsCall = new boolean[eventCount + 2];
    callNode = new int[n];
    returnNode = new int[n];
    Arrays.fill(returnNode, -1);
    for (int e = 0; e < eventCount; e++) {
      int node = e + 1;
      int op = (int) ((events[e] & 0xFFFFFFFFL) >>> 1);
      boolean isCall = (events[e] & 1L) == 0;
      nodeOp[node] = op;
      nodePosition[node] = (int) (events[e] >>> 32);
      nodeIsCall[node] = isCall;
      if (isCall) {
        callNode[op] = node;
      } else {
        if (callNode[op] == 0) {
          throw new IllegalStateException("op " + op + " returns before it is called");
        }
        returnNode[op] = node;
      }
    }
    for (int node = 0; node <= tail; node++) {
      next[node] = node == tail ? tail : node + 1;
      prev[node] = node == head ? head : node - 1;
    }
    // Only ops of known outcome enter the hash: the cache groups configurations that differ in
    // optional ops under one key.
    zobrist = new long[n];
    long[] requiredMask = new long[Math.max(1, (n + 63) >>> 6)];
    SplittableRandom random = new SplittableRandom(ZOBRIST_SEED);
    for (int i = 0; i < n; i++) {
      long z = random.nextLong();
      if (required[i] || !dominance) {
        zobrist[i] = z;
        requiredMask[i >>> 6] |= 1L << i;
      }
    }
    optionalCount = n - requiredCount;
    cache = new ConfigurationCache((n + 63) >>> 6, this::reserve, requiredMask, requiredCount,
        dominance && optionalCount > 0);
  }

  private void lift(int call) {
    next[prev[call]] = next[call];
    prev[next[call]] = prev[call];
    int ret = returnNode[nodeOp[call]];
    if (ret >= 0) {
      next[prev[ret]] = next[ret];
      prev[next[ret]] = prev[ret];
    }
  }

  /** Reverses {@link #lift} (only ever applied to the most recently lifted op still lifted). */
  private void unlift(int call) {
    int ret = returnNode[nodeOp[call]];
    if (ret >= 0) {
      next[prev[ret]] = ret;
      prev[next[ret]] = ret;
    }
    next[prev[call]] = call;
    prev[next[call]] = call;
  }

  /** Takes an op of unknown outcome out of the optional list, putting its next twin in its place. */
  private void liftOptional(int op) {
    int twin = nextTwin[op];
    int before = optionalPrev[op];
    int after = optionalNext[op];
    if (twin >= 0) {
      optionalPrev[twin] = before;
      optionalNext[twin] = after;
      optionalNext[before] = twin;
      optionalPrev[after] = twin;
    } else {
      optionalNext[before] = after;
      optionalPrev[after] = before;
    }
  }

  /** Reverses {@link #liftOptional} (LIFO, so {@code op}'s own links are still its old neighbours). */
  private void unliftOptional(int op) {
    optionalNext[optionalPrev[op]] = op;
    optionalPrev[optionalNext[op]] = op;
  }

  private int intern(Object state) {
    Integer id = stateIds.get(state);
    if (id != null) {
      return id;
    }
    int newId = states.size();
    reserve(16L + 4L * ops.length);
    if (newId == transitions.length) {
      transitions = Arrays.copyOf(transitions, newId * 2);
    }
    int[] row = new int[ops.length];
    Arrays.fill(row, UNCOMPUTED);
    transitions[newId] = row;
    states.add(state);
    stateIds.put(state, newId);
    return newId;
  }

  /** Takes {@code bytes} from the memory the check's searches share, or stops this search. */
  private void reserve(long bytes) {
    if (!budget.reserve(bytes)) {
      throw BudgetExceeded.MEMORY;
    }
    reservedBytes += bytes;
  }

  private int transition(int state, int op) {
    int target = transitions[state][op];
    if (target == UNCOMPUTED) {
      Object next;
      try {
        next = model.step(states.get(state), ops[op]);
      } catch (RuntimeException e) {
        throw new ModelFailure("model " + model.name() + " cannot step " + ops[op] + " from state "
            + model.describe(states.get(state)) + ": " + e, e);
      }
      target = next == Model.ILLEGAL ? ILLEGAL : intern(next);
      transitions[state][op] = target;
    }
    return target;
  }

  /** Searches to the verdict; {@code diagnose} records the deepest configurations it backtracks from. */
  SearchResult run(boolean diagnose) {
    if (steps == 0 && diagnose) {
      diagnostics = new Diagnostics();
    }
    return resume(Long.MAX_VALUE);
  }

  /**
   * Searches on for at most {@code stepLimit} more steps (a step tries one candidate or backtracks
   * once) and returns the verdict, or null if there is none yet: the search keeps its place, so
   * that searches of several partitions can take turns on one thread.
   */
  SearchResult resume(long stepLimit) {
    if (result != null) {
      return result;
    }
    try {
      if (linearized == null) {
        start();
      }
      result = search(steps + Math.min(stepLimit, Long.MAX_VALUE - steps));
    } catch (BudgetExceeded e) {
      result = new SearchResult(Verdict.UNKNOWN, e.reason(budget), cache.size(), List.of());
    } catch (ModelFailure e) {
      result = new SearchResult(Verdict.UNKNOWN, e.getMessage(), cache.size(), List.of());
    } catch (OutOfMemoryError e) {
      result = new SearchResult(Verdict.UNKNOWN, "out of memory (" + cache.size() + " configurations cached)",
          cache.size(), List.of());
    }
    if (result != null) {
      budget.release(reservedBytes);
      reservedBytes = 0;
    }
    return result;
  }

  /** Steps taken so far: a deterministic measure of the work done, unlike time. */
  long steps() {
    return steps;
  }

  /** Configurations cached so far. */
  long configurations() {
    return cache.size();
  }

  private void start() {
    int n = ops.length;
    reserve(cache.bytes());
    linearized = new long[Math.max(1, (n + 63) >>> 6)];
    stackOp = new int[n];
    stackState = new int[n];
    stackBound = new int[n];
    state = intern(model.initialState());
    cache.add(linearized, hash, state);
    remaining = requiredCount;
    node = next[head];
    optional = optionalTail;
    bound = tail;
  }

  /**
   * The walk. Each configuration's candidates are the calls before the first return in the list:
   * first the ops that certainly took effect (walking the list), then those of unknown outcome
   * invoked before that return (walking the optional list), so that configurations with fewer
   * optional ops are met first and dominate (see ConfigurationCache) those with more.
   */
  private SearchResult search(long stepsUntil) {
    long checkpoint = Math.min(stepsUntil, steps + POLL_INTERVAL);
    while (remaining > 0) {
      if (steps == checkpoint) {
        if (steps == stepsUntil) {
          return null;
        }
        poll();
        checkpoint = Math.min(stepsUntil, steps + POLL_INTERVAL);
      }
      steps++;
      int candidate;
      if (!optionalPass) {
        if (!nodeIsCall[node]) {
          enterOptionalPass();
          continue;
        }
        candidate = nodeOp[node];
      } else {
        if (optional == optionalTail) {
          // Every candidate tried: backtrack.
          if (diagnostics != null) {
            diagnostics.blocked(stackOp, stackState, depth, state, nodeOp[bound]);
          }
          if (depth == 0) {
            return new SearchResult(Verdict.NOT_LINEARIZABLE, null, cache.size(),
                diagnostics != null ? diagnostics.prefixes() : List.of());
          }
          backtrack();
          continue;
        }
        candidate = optional;
        if (invokePosition[candidate] > nodePosition[bound]) {
          optional = optionalNext[optional];
          continue;
        }
      }
      if (!linearize(candidate)) {
        if (optionalPass) {
          optional = optionalNext[optional];
        } else {
          node = next[node];
        }
      }
    }
    return new SearchResult(Verdict.LINEARIZABLE, null, cache.size(), List.of());
  }

  private void poll() {
    if (budget.cancelled.get()) {
      throw BudgetExceeded.CANCELLED;
    }
    if (System.nanoTime() - budget.deadlineNanos > 0) {
      throw BudgetExceeded.TIME;
    }
  }

  /** At the first return in the list: its candidates of known outcome are tried; now those of unknown. */
  private void enterOptionalPass() {
    if (node == tail) {
      // Unreachable while remaining > 0: a required op's return precedes the tail.
      throw new IllegalStateException("reached the end with " + remaining + " ops unlinearized");
    }
    optionalPass = true;
    bound = node;
    optional = optionalNext[optionalHead];
  }

  /** Linearizes {@code candidate} now if the model allows it and the configuration is new. */
  private boolean linearize(int candidate) {
    int target = transition(state, candidate);
    if (target == ILLEGAL) {
      return false;
    }
    int word = candidate >>> 6;
    long bit = 1L << candidate;
    linearized[word] |= bit;
    long newHash = hash ^ zobrist[candidate];
    if (!cache.add(linearized, newHash, target)) {
      linearized[word] &= ~bit;
      return false;
    }
    stackOp[depth] = candidate;
    stackState[depth] = state;
    stackBound[depth] = bound;
    depth++;
    hash = newHash;
    state = target;
    if (required[candidate]) {
      remaining--;
      lift(node);
    } else {
      liftOptional(candidate);
    }
    node = next[head];
    optionalPass = false;
    return true;
  }

  /** Undoes the last linearized op and moves on to the candidate after it. */
  private void backtrack() {
    depth--;
    int top = stackOp[depth];
    state = stackState[depth];
    linearized[top >>> 6] &= ~(1L << top);
    hash ^= zobrist[top];
    if (required[top]) {
      remaining++;
      unlift(callNode[top]);
      node = next[callNode[top]];
      optionalPass = false;
    } else {
      unliftOptional(top);
      optional = optionalNext[top];
      bound = stackBound[depth];
    }
  }

  /** Keeps the deepest configurations at which the search had to backtrack. */
  private final class Diagnostics {
    private static final int KEEP = 4;
    private int bestDepth = -1;
    private final List<SearchResult.Prefix> best = new ArrayList<>();

    void blocked(int[] stackOp, int[] stackState, int depth, int state, int blockingOp) {
      if (depth < bestDepth || (depth == bestDepth && best.size() >= KEEP)) {
        return;
      }
      if (depth > bestDepth) {
        bestDepth = depth;
        best.clear();
      }
      int[] order = new int[depth];
      Object[] after = new Object[depth];
      for (int i = 0; i < depth; i++) {
        order[i] = original[stackOp[i]];
        after[i] = states.get(i + 1 < depth ? stackState[i + 1] : state);
      }
      blockingOp = original[blockingOp];
      for (SearchResult.Prefix p : best) {
        if (p.blocking() == blockingOp && java.util.Objects.equals(p.states().length == 0 ? null
            : p.states()[p.states().length - 1], depth == 0 ? null : after[depth - 1])) {
          return;
        }
      }
      best.add(new SearchResult.Prefix(order, after, blockingOp));
    }

    List<SearchResult.Prefix> prefixes() {
      return List.copyOf(best);
    }
  }

  /** A model that threw instead of answering: the history holds values it cannot interpret. */
  static final class ModelFailure extends RuntimeException {
    ModelFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Why a search stopped early; preallocated and stackless, as it is control flow out of the loop. */
  static final class BudgetExceeded extends RuntimeException {
    static final BudgetExceeded TIME = new BudgetExceeded("time");
    static final BudgetExceeded MEMORY = new BudgetExceeded("memory");
    static final BudgetExceeded CANCELLED = new BudgetExceeded("cancelled");

    private BudgetExceeded(String what) {
      super(what, null, false, false);
    }

    String reason(Budget budget) {
      return switch (getMessage()) {
        case "time" -> "time bound reached";
        case "memory" -> "memory bound of " + (budget.maxBytes >> 20) + " MiB reached";
        default -> "cancelled: another partition is not linearizable";
      };
    }
  }

  /**
   * The visited configurations (linearized bitset, state id), with dominance: a configuration is
   * pruned if one with the same state, the same linearized ops of known outcome and a subset of
   * its linearized ops of unknown outcome was visited. Sound because ops of unknown outcome have
   * no return: with fewer of them used, every continuation of the larger set is still available
   * (the same ops remain to do, under the same real-time constraints), so the larger set has a
   * success only if the smaller one has. Without ops of unknown outcome this is plain equality.
   *
   * <p>Layout: open addressing with linear probing over "key" entries (state plus the bits of
   * known-outcome ops; the hash covers only those); each key heads a list of entries differing
   * in their unknown-outcome bits, linked by {@code nextSame}. Entry {@code e}'s bitset is
   * {@code bits[e*words .. (e+1)*words)}.
   */
  static final class ConfigurationCache {
    private final int words;
    /** Takes bytes from the memory budget before the cache grows; throws when it is spent. */
    private final LongConsumer reserve;
    private final long[] requiredMask;
    /** Words holding bits of known-outcome ops (numbered first), and the first holding others. */
    private final int requiredWords;
    private final int firstOptionalWord;
    private final boolean anyOptional;
    private long[] bits;
    private long[] hashes;
    private int[] stateOf;
    private int[] nextSame;
    private int[] table;
    private int size;
    private int keys;

    ConfigurationCache(int words, LongConsumer reserve, long[] requiredMask, int requiredCount,
        boolean anyOptional) {
      this.words = Math.max(1, words);
      this.reserve = reserve;
      this.requiredMask = requiredMask;
      this.requiredWords = Math.min(this.words, (requiredCount + 63) >>> 6);
      this.firstOptionalWord = requiredCount >>> 6;
      this.anyOptional = anyOptional;
      bits = new long[64 * this.words];
      hashes = new long[64];
      stateOf = new int[64];
      nextSame = new int[64];
      table = new int[128];
    }

    int size() {
      return size;
    }

    long bytes() {
      return 8L * bits.length + 8L * hashes.length + 4L * stateOf.length + 4L * nextSame.length + 4L * table.length;
    }

    private static long mix(long hash, int state) {
      long h = hash ^ (state * 0x9E3779B97F4A7C15L);
      h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
      h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
      return h ^ (h >>> 33);
    }

    /**
     * Adds the configuration; returns false if it (or a configuration dominating it) was already
     * visited. {@code requiredHash} must cover only the bits of known-outcome ops.
     */
    boolean add(long[] linearized, long requiredHash, int state) {
      long h = mix(requiredHash, state);
      int mask = table.length - 1;
      int slot = (int) h & mask;
      while (true) {
        int key = table[slot] - 1;
        if (key < 0) {
          break;
        }
        if (hashes[key] == h && stateOf[key] == state && sameRequired(key, linearized)) {
          return addMember(key, linearized);
        }
        slot = (slot + 1) & mask;
      }
      int entry = newEntry(h, state, linearized);
      table[slot] = entry + 1;
      keys++;
      if (2 * keys > table.length) {
        growTable();
      }
      return true;
    }

    private boolean addMember(int key, long[] linearized) {
      if (!anyOptional) {
        return false; // same required bits are the same bits
      }
      for (int m = key; m >= 0; m = nextSame[m]) {
        if (subsetOf(m, linearized)) {
          return false;
        }
      }
      // Not dominated. If it dominates a stored member, let it take that member's place.
      for (int m = key; m >= 0; m = nextSame[m]) {
        if (supersetOf(m, linearized)) {
          System.arraycopy(linearized, 0, bits, m * words, words);
          return true;
        }
      }
      int entry = newEntry(hashes[key], stateOf[key], linearized);
      nextSame[entry] = nextSame[key];
      nextSame[key] = entry;
      return true;
    }

    private int newEntry(long h, int state, long[] linearized) {
      if (size == hashes.length) {
        growEntries();
      }
      int entry = size++;
      hashes[entry] = h;
      stateOf[entry] = state;
      nextSame[entry] = -1;
      System.arraycopy(linearized, 0, bits, entry * words, words);
      return entry;
    }

    private boolean sameRequired(int entry, long[] linearized) {
      int base = entry * words;
      if (!anyOptional) {
        for (int w = 0; w < words; w++) {
          if (bits[base + w] != linearized[w]) {
            return false;
          }
        }
        return true;
      }
      for (int w = 0; w < requiredWords; w++) {
        if (((bits[base + w] ^ linearized[w]) & requiredMask[w]) != 0) {
          return false;
        }
      }
      return true;
    }

    /**
     * Whether entry's bits are a subset of {@code linearized}, given that their known-outcome bits
     * are equal (so the words below the first optional one need no look).
     */
    private boolean subsetOf(int entry, long[] linearized) {
      int base = entry * words;
      for (int w = firstOptionalWord; w < words; w++) {
        if ((bits[base + w] & ~linearized[w]) != 0) {
          return false;
        }
      }
      return true;
    }

    private boolean supersetOf(int entry, long[] linearized) {
      int base = entry * words;
      for (int w = firstOptionalWord; w < words; w++) {
        if ((linearized[w] & ~bits[base + w]) != 0) {
          return false;
        }
      }
      return true;
    }

    private void growEntries() {
      int capacity = hashes.length * 2;
      if ((long) capacity * words > Integer.MAX_VALUE - 8) {
        throw BudgetExceeded.MEMORY;
      }
      reserve.accept((8L * words + 16L) * hashes.length);
      bits = Arrays.copyOf(bits, capacity * words);
      hashes = Arrays.copyOf(hashes, capacity);
      stateOf = Arrays.copyOf(stateOf, capacity);
      nextSame = Arrays.copyOf(nextSame, capacity);
    }

    private void growTable() {
      int capacity = table.length * 2;
      if (capacity < 0) {
        throw BudgetExceeded.MEMORY;
      }
      reserve.accept(4L * table.length);
      int[] grown = new int[capacity];
      int mask = capacity - 1;
      for (int slot = 0; slot < table.length; slot++) {
        int key = table[slot] - 1;
        if (key < 0) {
          continue;
        }
        int target = (int) hashes[key] & mask;
        while (grown[target] != 0) {
          target = (target + 1) & mask;
        }
        grown[target] = key + 1;
      }
      table = grown;
    }
  }
}
