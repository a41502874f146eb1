package io.morgana.runtime;

import io.morgana.api.Device;
import io.morgana.api.Stack;
import java.util.EnumSet;
import java.util.Set;

/** A target for runtime tests: provides what it is told to, no network stack. */
public final class TestTarget implements Target {

    private final String name;
    private final Set<Device.Kind> provides;
    private final boolean implemented;
    private final boolean hostDirectories;

    /** "test": provides every device kind except a stack. */
    public TestTarget() { this("test", EnumSet.of(Device.Kind.KV_RO, Device.Kind.KV_RW, Device.Kind.BLOCK), true, true); }

    TestTarget(String name, Set<Device.Kind> provides, boolean implemented, boolean hostDirectories) {
        this.name = name;
        this.provides = provides;
        this.implemented = implemented;
        this.hostDirectories = hostDirectories;
    }

    @Override public String name() { return name; }
    @Override public String summary() { return "for tests"; }
    @Override public String requirements() { return "nothing"; }
    @Override public Set<Device.Kind> provides() { return provides; }
    @Override public boolean implemented() { return implemented; }
    @Override public boolean hostDirectories() { return hostDirectories; }

    @Override public Stack openStack(Boot boot) throws BootException {
        throw new BootException(BootException.UNAVAILABLE, "the test target has no stack");
    }
}
