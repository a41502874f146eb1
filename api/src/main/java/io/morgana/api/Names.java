package io.morgana.api;

/** The one rule for the names of appliances, devices and boot arguments. */
final class Names {
    private Names() {}

    /**
     * Whether {@code name} is lower-case words joined by '-': a letter {@code a-z}, then letters,
     * digits and '-' ({@code [a-z][a-z0-9-]*}). A loop rather than a regex: boot checks every
     * name, and a first regex there costs some 25 classes and their interpretation.
     */
    static boolean isWord(String name) {
        if (name.isEmpty() || name.charAt(0) < 'a' || name.charAt(0) > 'z') return false;
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) return false;
        }
        return true;
    }
}
