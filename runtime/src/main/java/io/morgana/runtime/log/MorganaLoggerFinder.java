package io.morgana.runtime.log;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes {@code System.getLogger(source)} to Morgana's one-line logging, filtered by {@code --logs}.
 * Registered in {@code META-INF/services/java.lang.System$LoggerFinder}, so any code (the JDK's too)
 * logging through {@link System.Logger} lands here.
 */
public final class MorganaLoggerFinder extends System.LoggerFinder {

    private final ConcurrentHashMap<String, MorganaLogger> loggers = new ConcurrentHashMap<>();

    @Override public System.Logger getLogger(String name, Module module) {
        return loggers.computeIfAbsent(name, MorganaLogger::new);
    }
}
