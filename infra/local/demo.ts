/**
 * `npm run demo`: against the running local stack, creates the 2026-2027
 * campaign with the seed communes and sends it. The invitations then wait in
 * the inbox; open one and sign.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineToken } from './oidc.ts';
import { PROJECT_ROOT, readRunningStack } from './paths.ts';

const stack = readRunningStack();
const seed = JSON.parse(readFileSync(join(PROJECT_ROOT, 'events', 'seed-campaign-2026-2027.json'), 'utf8')) as {
  campaign: { schoolYear: string };
  conventions: { commune: { name: string } }[];
};
const token = await machineToken(stack.oidcIssuer);

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
// One request; the job sends every invitation at SES's rate: follow it until it ends.
const sent = await call('POST', `/admin/campaigns/${year}/send`);
if (sent.status !== 202) {
  console.error(`Send failed: ${JSON.stringify(sent.json)}`);
  process.exit(1);
}
let job = (await call('GET', `/admin/jobs/${sent.json.jobId}`)).json;
while (job.state === 'running') {
  await new Promise((resolve) => setTimeout(resolve, 500));
  job = (await call('GET', `/admin/jobs/${sent.json.jobId}`)).json;
}
console.log(`Sent ${job.tally.sent ?? 0} invitation(s); ${job.failedCount} failed; ${job.tally.skipped ?? 0} already sent.`);
for (const failure of job.failed) console.log(`  ${failure.item}: ${failure.reason}`);
console.log(`Open the inbox: ${stack.sesInboxUrl} — click a link to sign.`);
