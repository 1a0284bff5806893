package io.raftkv.transport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/** Records the formatted log lines of the test's duration, so tests can assert what an operator sees. */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    /** A captured line: its level and formatted message. */
    record Line(Level level, String message) {
        @Override
        public String toString() {
            return level + " " + message;
        }
    }

    private final ConcurrentLinkedQueue<Line> lines = new ConcurrentLinkedQueue<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    LogCapture() {
        setContext(root.getLoggerContext());
        start();
        root.addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(new Line(event.getLevel(), event.getFormattedMessage()));
    }

    /** WARN and ERROR lines that contain every one of {@code fragments}. */
    List<Line> warnings(String... fragments) {
        return lines.stream()
                .filter(line -> line.level().isGreaterOrEqual(Level.WARN))
                .filter(line -> List.of(fragments).stream().allMatch(line.message()::contains))
                .toList();
    }

    List<Line> all() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
