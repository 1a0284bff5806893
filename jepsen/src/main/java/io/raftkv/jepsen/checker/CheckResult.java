package io.raftkv.jepsen.checker;

/**
 * The outcome of checking one history.
 *
 * @param verdict the verdict
 * @param invocations client invocations in the history
 * @param partitions how many independent parts it was checked as
 * @param configurations configurations the searches cached, summed
 * @param steps steps the searches took, summed (a step looks at one candidate op or backtracks
 *     once): a measure of the work that, on one thread, does not vary from run to run as time
 *     does; the diagnostic re-run is not counted
 * @param nanos time spent checking (not reading)
 * @param reason why it is UNKNOWN; null otherwise
 * @param anomaly with diagnostics on, what makes it NOT_LINEARIZABLE; null otherwise
 * @param initialState the model's initial state, described
 */
public record CheckResult(Verdict verdict, int invocations, int partitions, long configurations, long steps, long nanos,
    String reason, Anomaly anomaly, String initialState) {}
