package dev.tonari.cli.generate;

/**
 * One application of a team: its name, the style it logs in, the Java package its loggers and
 * stack frames use, the request paths it serves ({@code {id}} is replaced by a number) and the
 * messages of its info lines.
 */
record AppSpec(String name, LogStyle style, String javaPackage, String[] paths, String[] infoMessages) {}
