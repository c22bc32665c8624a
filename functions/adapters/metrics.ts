/**
 * CloudWatch metrics through the Embedded Metric Format: one structured log
 * line, no API call. Locally the line is just printed.
 */
export function metric(scope: string, values: Record<string, number>): void {
  console.log(
    JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{ Namespace: 'Paraphe', Dimensions: [['Scope']], Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })) }],
      },
      Scope: scope,
      ...values,
    }),
  );
}
