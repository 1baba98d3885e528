package io.reactorsupervisor.wasm;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.slf4j.Logger;

/**
 * A guest's stdout or stderr as SLF4J events, one per line (without the line end; malformed
 * UTF-8 replaced), a line longer than {@link Wasi#MAX_LINE_BYTES} in pieces of that size. One per
 * stream per instance, used by one call at a time, as the instance is.
 */
final class GuestLog extends OutputStream {

    private final Logger logger;
    private final boolean stderr;
    private byte[] line = new byte[128];
    private int size;

    GuestLog(Logger logger, boolean stderr) {
        this.logger = logger;
        this.stderr = stderr;
    }

    @Override
    public void write(int b) {
        if (b == '\n') {
            emit();
            return;
        }
        if (size == line.length) {
            line = Arrays.copyOf(line, Math.min(line.length * 2, Wasi.MAX_LINE_BYTES));
        }
        line[size++] = (byte) b;
        if (size == Wasi.MAX_LINE_BYTES) {
            emit();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    private void emit() {
        int end = size > 0 && line[size - 1] == '\r' ? size - 1 : size;
        size = 0;
        if (stderr ? logger.isWarnEnabled() : logger.isInfoEnabled()) {
            String text = new String(line, 0, end, StandardCharsets.UTF_8);
            if (stderr) {
                logger.warn(text);
            } else {
                logger.info(text);
            }
        }
    }
}
