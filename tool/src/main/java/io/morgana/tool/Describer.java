package io.morgana.tool;

import io.morgana.api.Arg;
import io.morgana.api.Device;
import io.morgana.api.Manifest;
import io.morgana.runtime.BootArgs;
import io.morgana.runtime.StandardArgs;
import io.morgana.runtime.Target;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code morgana describe}: an appliance's devices and boot arguments, as text or Graphviz. */
final class Describer {

    private Describer() {}

    static String text(Manifest m, String applianceClass, Targets.Info target) {
        StringBuilder b = new StringBuilder();
        b.append(m.name()).append(m.summary().isBlank() ? "" : " — " + m.summary()).append('\n');
        b.append("  class   ").append(applianceClass).append('\n');
        b.append("  target  ").append(target.name()).append(" (").append(target.status()).append("): ")
                .append(target.summary()).append('\n');
        b.append("\nDevices\n");
        if (m.devices().isEmpty()) b.append("  (none: clocks, sleep, randomness and logging need no declaration)\n");
        Set<Device.Kind> provides = target.provides();
        for (Device d : m.devices()) {
            b.append(String.format(Locale.ROOT, "  %-26s %-10s %s%s%n", Targets.kindName(d.kind()), d.name(), d.doc(),
                    !target.exists() ? "" : provides.contains(d.kind()) ? "" : "  [" + target.name() + " cannot provide it]"));
            for (var o : d.options().entrySet()) {
                b.append(String.format(Locale.ROOT, "  %-26s %-10s %s: %s%n", "", "", o.getKey(), o.getValue()));
            }
        }
        b.append("\nBoot arguments (after '--' in 'morgana run')\n");
        section(b, "Appliance (" + m.name() + ")", m.args());
        List<Arg<?>> storage = BootArgs.deviceArgs(m);
        if (!storage.isEmpty()) section(b, "Devices (" + m.name() + "'s stores)", storage);
        section(b, "Target (" + target.name() + ")", target.args());
        section(b, "Standard (every appliance)", StandardArgs.ALL);
        String notes = target.target().map(Target::notes).orElse("");
        if (!notes.isBlank()) b.append('\n').append(notes.strip()).append('\n');
        return b.toString();
    }

    private static void section(StringBuilder b, String title, List<Arg<?>> args) {
        b.append("  ").append(title).append('\n');
        if (args.isEmpty()) b.append("    (none)\n");
        for (Arg<?> a : args) {
            String usage = a.usage() + (a.isRepeatable() ? " …" : "");
            b.append(String.format(Locale.ROOT, "    %-28s %s%s%n", usage, a.doc(), qualifier(a)));
        }
    }

    private static String qualifier(Arg<?> a) {
        if (a.isRequired()) return " (required)";
        if (a.isFlag() || a.defaultValue() == null) return "";
        if (a.isRepeatable() && a.defaultValue() instanceof List<?> l && l.isEmpty()) return "";
        return " (default " + BootArgs.show(a.defaultValue()) + ")";
    }

    /** 5s, 500ms, 2m, 1h — the forms the duration parser accepts. */
    static String dot(Manifest m, String applianceClass, Targets.Info target) {
        StringBuilder b = new StringBuilder();
        b.append("digraph ").append(q(m.name())).append(" {\n");
        b.append("  rankdir=LR;\n  node [fontname=\"Helvetica\", shape=box];\n");
        b.append("  appliance [shape=component, label=").append(q(m.name() + "\n" + m.summary())).append("];\n");
        b.append("  target [shape=box3d, label=").append(q("target " + target.name() + "\n" + target.summary())).append("];\n");
        for (Device d : m.devices()) {
            String id = q("device:" + d.kind().name().toLowerCase(Locale.ROOT) + ":" + d.name());
            boolean ok = target.provides().contains(d.kind());
            b.append("  ").append(id).append(" [shape=ellipse, label=").append(q(d.name() + "\n" + Targets.kindName(d.kind()))).append("];\n");
            b.append("  appliance -> ").append(id).append(" [label=\"needs\"];\n");
            b.append("  ").append(id).append(" -> target [label=").append(q(ok ? "provided by" : "NOT provided by"))
                    .append(ok ? "" : ", color=red, fontcolor=red").append("];\n");
        }
        Map<String, List<Arg<?>>> groups = new java.util.LinkedHashMap<>();
        groups.put("appliance", m.args());
        groups.put("device", BootArgs.deviceArgs(m));
        groups.put("target", target.args());
        groups.put("standard", StandardArgs.ALL);
        for (var g : groups.entrySet()) {
            if (g.getValue().isEmpty()) continue;
            String label = g.getKey() + " boot arguments\\l" + g.getValue().stream()
                    .map(a -> esc(a.usage() + qualifier(a)) + "\\l").collect(Collectors.joining());
            String id = q("args:" + g.getKey());
            b.append("  ").append(id).append(" [shape=note, label=\"").append(label).append("\"];\n");
            b.append("  ").append(id).append(" -> ").append(g.getKey().equals("target") ? "target" : "appliance")
                    .append(" [style=dashed, arrowhead=none];\n");
        }
        b.append("}\n");
        return b.toString();
    }

    private static String q(String s) { return "\"" + esc(s).replace("\n", "\\n") + "\""; }

    private static String esc(String s) { return s.replace("\\", "\\\\").replace("\"", "\\\""); }
}
