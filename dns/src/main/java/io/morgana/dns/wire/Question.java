package io.morgana.dns.wire;

/** The question of a message: name, type, class. */
public record Question(Name name, int type, int qclass) {
    @Override public String toString() { return name + " " + Type.name(type) + (qclass == Record.IN ? "" : " CLASS" + qclass); }
}
