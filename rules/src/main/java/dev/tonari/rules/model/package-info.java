/**
 * Rules as data: namespaces of groups of alerting and recording rules, the shapes Prometheus'
 * rule-file format and Loki's rules API share.
 */
package dev.tonari.rules.model;
