/**
 * SES's "Email Sent" event as EventBridge delivers it, for an email that
 * carried `tags` (the local SES server publishes no events, so tests and the
 * fault run build the one SES would publish, in its documented shape).
 */
export function sesSendEvent(input: { to: string; tags: Record<string, string>; at: Date }): Record<string, unknown> {
  const timestamp = input.at.toISOString();
  return {
    version: '0',
    id: `send-${input.at.getTime()}`,
    'detail-type': 'Email Sent',
    source: 'aws.ses',
    account: '000000000000',
    time: timestamp.replace(/\.\d{3}Z$/, 'Z'),
    region: 'eu-west-3',
    resources: [],
    detail: {
      eventType: 'Send',
      mail: {
        timestamp,
        source: 'ne-pas-repondre@paraphe.example.org',
        messageId: `local-${input.at.getTime()}`,
        destination: [input.to],
        tags: {
          'ses:configuration-set': ['ParapheConfigurationSet'],
          'ses:from-domain': ['paraphe.example.org'],
          ...Object.fromEntries(Object.entries(input.tags).map(([name, value]) => [name, [value]])),
        },
      },
      send: {},
    },
  };
}
