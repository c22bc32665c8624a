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

/** SES's "Email Bounced" event for a permanent bounce of `address`, in the shape EventBridge delivers (events/ses-events.json). */
export function sesBounceEvent(input: { address: string; at: Date; diagnostic?: string }): Record<string, unknown> {
  const time = input.at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    version: '0',
    id: `bounce-${input.at.getTime()}`,
    'detail-type': 'Email Bounced',
    source: 'aws.ses',
    account: '000000000000',
    time,
    region: 'eu-west-3',
    resources: [],
    detail: {
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: input.address, diagnosticCode: input.diagnostic ?? 'smtp; 550 5.1.1 user unknown' }],
        timestamp: time,
        feedbackId: `bounce-${input.at.getTime()}`,
      },
      mail: { timestamp: time, source: 'ne-pas-repondre@paraphe.example.org', messageId: `local-${input.at.getTime()}`, destination: [input.address] },
    },
  };
}
