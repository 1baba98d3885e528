package io.reactorsupervisor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A checkpoint as a {@link StateStore} keeps it: the encoded state and its version. Versions
 * of one key only grow: a store never replaces a checkpoint with one of a lower or equal
 * version.
 */
public final class StoredState {

    private final long version;
    private final byte[] bytes;

    private StoredState(long version, byte[] bytes) {
        this.version = version;
        this.bytes = bytes;
    }

    /**
     * A checkpoint, with a copy of {@code bytes}.
     *
     * @param version positive
     * @param bytes the encoded state, as the component's {@link StateCodec} wrote it
     * @return the checkpoint
     * @throws IllegalArgumentException if {@code version} is not positive
     */
    public static StoredState of(long version, byte[] bytes) {
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, but was " + version);
        }
        return new StoredState(version, Objects.requireNonNull(bytes, "bytes").clone());
    }

    /** @return the version of the checkpoint, at least 1 */
    public long version() {
        return version;
    }

    /** @return a copy of the encoded state */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes themselves, for the library's own use: never handed to a caller that could change them. */
    byte[] bytesUnsafe() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredState && ((StoredState) o).version == version
                && Arrays.equals(((StoredState) o).bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(version) * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "StoredState[version " + version + ", " + bytes.length + " bytes]";
    }
}
