/**
 * The composition root: wires the adapters from validated config into the
 * dependencies every use case takes. Built once per cold start.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Deps } from '../use-cases/ports.ts';
import { loadConfig, type Config } from './config.ts';
import { createAvenantRepository } from './dynamodb/avenant-repository.ts';
import { createCampaignRepository } from './dynamodb/campaign-repository.ts';
import { createDocumentClient } from './dynamodb/client.ts';
import { createJobRepository } from './dynamodb/job-repository.ts';
import { createSendRate } from './dynamodb/send-rate.ts';
import { createConventionRepository } from './dynamodb/convention-repository.ts';
import { createReminderRepository } from './dynamodb/reminder-repository.ts';
import { createUndeliverableRepository } from './dynamodb/undeliverable-repository.ts';
import { createAnchorRepository } from './dynamodb/anchor-repository.ts';
import { createShippedConventionTexts } from './convention-texts.ts';
import { createS3DocumentStore } from './s3-document-store.ts';
import { createPacedMailer } from './paced-mailer.ts';
import { createSesMailer } from './ses-mailer.ts';
import { createSuppressingMailer } from './suppressing-mailer.ts';

/** Everything but the sealer, which only the sealing functions load (functions/adapters/sealing.ts): it weighs. */
export type BaseDeps = Omit<Deps, 'sealer'>;

export function composeDeps(config: Config): BaseDeps {
  const region = config.AWS_REGION;
  const db = createDocumentClient({ region, endpoint: config.DYNAMODB_ENDPOINT });
  const undeliverable = createUndeliverableRepository(db, config.TABLE_NAME);
  return {
    now: () => new Date(),
    newId: () => randomUUID(),
    // 256 bits, URL-safe.
    newToken: () => randomBytes(32).toString('base64url'),
    campaigns: createCampaignRepository(db, config.TABLE_NAME),
    conventionTexts: createShippedConventionTexts(),
    conventions: createConventionRepository(db, config.TABLE_NAME),
    reminders: createReminderRepository(db, config.TABLE_NAME),
    avenants: createAvenantRepository(db, config.TABLE_NAME),
    jobs: createJobRepository(db, config.TABLE_NAME),
    undeliverable,
    anchors: createAnchorRepository(db, config.TABLE_NAME),
    documents: createS3DocumentStore({ region, endpoint: config.S3_ENDPOINT }, config.BUCKET_NAME),
    mailer: createSuppressingMailer(
      createPacedMailer(createSesMailer({ region, endpoint: config.SES_ENDPOINT }, config.SENDER_EMAIL), createSendRate(db, config.TABLE_NAME, config.SES_MAX_SEND_RATE)),
      undeliverable,
    ),
    publicBaseUrl: config.PUBLIC_BASE_URL,
    contactEmail: config.RECTORAT_CONTACT_EMAIL,
  };
}

const cached = new Map<string, BaseDeps>();

/**
 * The process's dependencies, from process.env, composed once per configuration (handlers call it at cold
 * start). In Lambda the environment never changes, so this is one composition; the local test runs reuse a
 * process for several stacks, each with its own table and bucket, and each gets its own.
 */
export function deps(): BaseDeps {
  const config = loadConfig(process.env);
  const key = JSON.stringify(config);
  const found = cached.get(key) ?? composeDeps(config);
  cached.set(key, found);
  return found;
}
