package io.morgana.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an appliance is and needs: its name, one line about it, the devices it needs and the boot
 * arguments it takes. Built in plain Java, read without starting the appliance.
 */
public record Manifest(String name, String summary, List<Device> devices, List<Arg<?>> args) {

    public Manifest {
        devices = List.copyOf(devices);
        args = List.copyOf(args);
        if (!Names.isWord(name)) {
            throw new IllegalArgumentException("appliance names are lower-case words joined by '-', not '" + name + "'");
        }
        Set<String> seen = new HashSet<>();
        for (Device d : devices) {
            if (!seen.add(d.kind() + ":" + d.name())) throw new IllegalArgumentException("device declared twice: " + d.name());
        }
        seen.clear();
        for (Arg<?> a : args) {
            if (!seen.add(a.name())) throw new IllegalArgumentException("boot argument declared twice: --" + a.name());
        }
    }

    public static Builder builder(String name) { return new Builder(name); }

    public boolean needs(Device.Kind kind) { return devices.stream().anyMatch(d -> d.kind() == kind); }

    public Optional<Device> device(Device.Kind kind, String name) {
        return devices.stream().filter(d -> d.kind() == kind && d.name().equals(name)).findFirst();
    }

    public static final class Builder {
        private final String name;
        private String summary = "";
        private final List<Device> devices = new ArrayList<>();
        private final List<Arg<?>> args = new ArrayList<>();

        private Builder(String name) { this.name = name; }

        public Builder summary(String s) { summary = s; return this; }

        public Builder needs(Device... ds) { devices.addAll(List.of(ds)); return this; }

        public Builder arg(Arg<?>... as) { args.addAll(List.of(as)); return this; }

        public Manifest build() { return new Manifest(name, summary, devices, args); }
    }
}
