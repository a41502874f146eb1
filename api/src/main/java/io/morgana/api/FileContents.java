package io.morgana.api;

/**
 * The value of an {@link Arg#file} argument: the path as given and the bytes the runtime read at
 * boot. A freshly parsed value holds only the path ({@code bytes == null}); the runtime fills it.
 */
public record FileContents(String path, byte[] bytes) {

    static FileContents marker(String path) {
        if (path.isBlank()) throw new IllegalArgumentException("want a file path");
        return new FileContents(path, null);
    }

    public boolean loaded() { return bytes != null; }

    @Override public String toString() { return path + (bytes == null ? "" : " (" + bytes.length + " bytes)"); }
}
