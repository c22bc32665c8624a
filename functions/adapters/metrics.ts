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
 * cleared, so a metric keeps the identity it had before Powertools. The
 * instances belong to the invocation (an AsyncLocalStorage), so invocations
 * that run side by side in one process (the local gateway and workers) never
 * flush each other's counts.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { rootLogger } from './logging.ts';

export const METRICS_NAMESPACE = 'Paraphe';

type Scopes = Map<string, Metrics>;

const invocation = new AsyncLocalStorage<Scopes>();

function metricsOf(scopes: Scopes, scope: string): Metrics {
  let metrics = scopes.get(scope);
  if (!metrics) {
    metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'paraphe', logger: rootLogger });
    metrics.clearDefaultDimensions();
    metrics.setDefaultDimensions({ Scope: scope });
    scopes.set(scope, metrics);
  }
  return metrics;
}

function publish(scopes: Scopes): void {
  for (const metrics of scopes.values()) if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}

/**
 * Counts under one scope, written at the end of the invocation (a name
 * counted twice keeps both values: EMF takes arrays). Outside an invocation
 * (a script, a test running jobs in its own process) they are written at once.
 */
export function metric(scope: string, values: Record<string, number>): void {
  const scopes = invocation.getStore() ?? new Map();
  const metrics = metricsOf(scopes, scope);
  for (const [name, value] of Object.entries(values)) metrics.addMetric(name, MetricUnit.Count, value);
  if (!invocation.getStore()) publish(scopes);
}

/** Runs an invocation, then writes what it counted: one EMF line per scope, whatever happened. */
export async function withMetrics<T>(work: () => Promise<T>): Promise<T> {
  const scopes: Scopes = new Map();
  try {
    return await invocation.run(scopes, work);
  } finally {
    publish(scopes);
  }
}
