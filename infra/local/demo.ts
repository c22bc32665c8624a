/**
 * `npm run demo`: against the running local stack, creates the 2026-2027
 * campaign with the seed communes and sends it. The invitations then wait in
 * the inbox; open one and sign.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureJwtSecret, signLocalToken } from './jwt.ts';
import { JWT_SECRET_FILE, PROJECT_ROOT, readRunningStack } from './paths.ts';

const stack = readRunningStack();
const seed = JSON.parse(readFileSync(join(PROJECT_ROOT, 'events', 'seed-campaign-2026-2027.json'), 'utf8')) as {
  campaign: { schoolYear: string };
  conventions: { commune: { name: string } }[];
};
const token = signLocalToken(ensureJwtSecret(JWT_SECRET_FILE), { sub: 'demo', email: 'demo@rectorat.example.org' }, new Date());

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

const year = seed.campaign.schoolYear;
const campaign = await call('POST', '/admin/campaigns', seed.campaign);
console.log(campaign.status === 201 ? `Campaign ${year} created.` : `Campaign ${year}: ${campaign.json.error?.message ?? campaign.status}`);
for (const convention of seed.conventions) {
  const added = await call('POST', `/admin/campaigns/${year}/conventions`, convention);
  console.log(
    added.status === 201
      ? `  ${convention.commune.name}: convention ${added.json.id}, ${added.json.amountCents / 100} €`
      : `  ${convention.commune.name}: ${added.json.error?.message ?? added.status}`,
  );
}
// A large campaign goes out in batches: 202 while invitations remain.
let sent = await call('POST', `/admin/campaigns/${year}/send`);
while (sent.status === 202) sent = await call('POST', `/admin/campaigns/${year}/send`);
if (sent.status !== 200) {
  console.error(`Send failed: ${JSON.stringify(sent.json)}`);
  process.exit(1);
}
console.log(`Sent ${sent.json.sent} invitation(s); ${sent.json.failed.length} failed; ${sent.json.skipped} already sent.`);
console.log(`Open the inbox: ${stack.sesInboxUrl} — click a link to sign.`);
