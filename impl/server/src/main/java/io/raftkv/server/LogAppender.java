package io.raftkv.server;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The one appender of logback.xml: standard error by default, or the file named by the system
 * property {@value #FILE_PROPERTY} (appended to), which is how {@code raftkv cluster start} gives
 * each node its own log file. Logback's own FileAppender needs a file name in every case, and
 * choosing between two appenders in the configuration would need Janino.
 */
public final class LogAppender<E> extends OutputStreamAppender<E> {
    public static final String FILE_PROPERTY = "raftkv.log.file";

    @Override
    public void start() {
        String file = System.getProperty(FILE_PROPERTY);
        try {
            setOutputStream(file == null || file.isBlank() ? new KeptOpen(System.err)
                    : new FileOutputStream(file, true));
        } catch (IOException unwritable) {
            addError("cannot open the log file " + file + " (" + FILE_PROPERTY + "); logging to stderr", unwritable);
            setOutputStream(new KeptOpen(System.err));
        }
        super.start();
    }

    /** Standard error stays open when logback stops: others still write to it. */
    private static final class KeptOpen extends FilterOutputStream {
        KeptOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
