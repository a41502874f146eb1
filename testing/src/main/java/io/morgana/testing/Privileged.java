package io.morgana.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test (class or method) that needs root, {@code /dev/net/tun} and network namespaces, and
 * optionally host tools. Where they are missing the test is skipped with the reason — unless
 * {@code MORGANA_REQUIRE_PRIVILEGED=1} (set by {@code .ci/run}), where a skip would hide a broken
 * CI machine, so the test fails instead.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(PrivilegedCondition.class)
public @interface Privileged {
    /** Host commands the test runs (looked up on PATH), e.g. {@code {"ping", "socat"}}. */
    String[] tools() default {};
}
