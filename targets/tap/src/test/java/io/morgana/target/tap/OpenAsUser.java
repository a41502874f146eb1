package io.morgana.target.tap;

import io.morgana.runtime.BootException;

/** Opens a TAP device and prints the outcome; run by {@link TapErrorsTest} as an unprivileged user. */
public final class OpenAsUser {
    public static void main(String[] args) {
        try {
            TapDevice.open(args[0], null).release();
            System.out.println("opened");
        } catch (BootException e) {
            System.out.println(e.exitStatus() + " " + e.getMessage());
        }
    }
}
