package io.morgana.dns.tsig;

import io.morgana.dns.wire.Name;
import java.util.Base64;
import java.util.Locale;

/**
 * A TSIG key (RFC 8945): its name, algorithm and shared secret.
 *
 * @param name      the key's name, as both sides configure it
 * @param algorithm the algorithm's DNS name, e.g. {@code hmac-sha256.}
 * @param jcaName   the JDK's name for the HMAC, e.g. {@code HmacSHA256}
 * @param secret    the shared secret bytes
 */
public record TsigKey(Name name, Name algorithm, String jcaName, byte[] secret) {

    /** HMAC-SHA256, the algorithm RFC 8945 requires. */
    public static final Name HMAC_SHA256 = Name.of("hmac-sha256.");

    /** {@code NAME:ALG:SECRET} as {@code --tsig} takes it (ALG e.g. hmac-sha256; SECRET base64). */
    public static TsigKey parse(String text) {
        String[] p = text.split(":", 3);
        if (p.length != 3) throw new IllegalArgumentException("want NAME:ALGORITHM:BASE64SECRET, e.g. xfr-key:hmac-sha256:c2VjcmV0, not '" + text + "'");
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(p[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the TSIG secret of '" + p[0] + "' is not base64: " + e.getMessage());
        }
        return of(Name.of(p[0]), p[1], secret);
    }

    public static TsigKey of(Name name, String algorithm, byte[] secret) {
        String a = algorithm.toLowerCase(Locale.ROOT);
        if (a.endsWith(".")) a = a.substring(0, a.length() - 1);
        String jca = switch (a) {
            case "hmac-sha256" -> "HmacSHA256";
            case "hmac-sha1" -> "HmacSHA1";
            case "hmac-sha224" -> "HmacSHA224";
            case "hmac-sha384" -> "HmacSHA384";
            case "hmac-sha512" -> "HmacSHA512";
            case "hmac-md5", "hmac-md5.sig-alg.reg.int" -> "HmacMD5";
            default -> throw new IllegalArgumentException("unknown TSIG algorithm '" + algorithm
                    + "' (want hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha224, hmac-sha1 or hmac-md5)");
        };
        if (a.equals("hmac-md5")) a = "hmac-md5.sig-alg.reg.int";
        if (secret.length == 0) throw new IllegalArgumentException("the TSIG secret of '" + name + "' is empty");
        return new TsigKey(name.toLowerCase(), Name.of(a + "."), jca, secret.clone());
    }

    @Override public String toString() { return name + " (" + algorithm + ")"; }
}
