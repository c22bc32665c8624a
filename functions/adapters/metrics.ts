/**
 * CloudWatch metrics through Powertools' Metrics: the Embedded Metric Format,
 * one structured log line per scope and invocation, no API call. Powertools
 * writes it through its own Console straight to stdout, so that Lambda's JSON
 * log format does not wrap it (a console.log line would be wrapped, and its
 * metrics lost); locally the line is just printed.
 *
 * Each scope (Jobs, Mailer, SesEvents) is a Metrics instance whose only
 * dimension is Scope, as the alarms read them (namespace Paraphe, e.g.
 * JobsFailed with Scope=Jobs): Powertools' default `service` dimension is
 * cleared, so a metric keeps the identity it had before Powertools.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { rootLogger } from './logging.ts';

export const METRICS_NAMESPACE = 'Paraphe';

const scopes = new Map<string, Metrics>();

function metricsOf(scope: string): Metrics {
  let metrics = scopes.get(scope);
  if (!metrics) {
    metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'paraphe', logger: rootLogger });
    metrics.clearDefaultDimensions();
    metrics.setDefaultDimensions({ Scope: scope });
    scopes.set(scope, metrics);
  }
  return metrics;
}

/** Counts for this invocation, under one scope; a name counted twice keeps both values (EMF takes arrays). */
export function metric(scope: string, values: Record<string, number>): void {
  const metrics = metricsOf(scope);
  for (const [name, value] of Object.entries(values)) metrics.addMetric(name, MetricUnit.Count, value);
}

/** Writes what this invocation counted, one EMF line per scope: called once at the end of each invocation. */
export function publishMetrics(): void {
  for (const metrics of scopes.values()) if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
