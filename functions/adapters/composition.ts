/**
 * The composition root: wires the adapters from validated config into the
 * dependencies every use case takes. Built once per cold start.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Deps } from '../core/ports.ts';
import { loadConfig, type Config } from './config.ts';
import { createCampaignRepository } from './dynamodb/campaign-repository.ts';
import { createDocumentClient } from './dynamodb/client.ts';
import { createConventionRepository } from './dynamodb/convention-repository.ts';
import { createPdfSealer } from './pdf-sealer.ts';
import { createS3Client, createS3DocumentStore } from './s3-document-store.ts';
import { identityFromFile, identityFromSecret } from './sealing-identity.ts';
import { createSesClient, createSesMailer } from './ses-mailer.ts';

export function composeDeps(config: Config): Deps {
  const region = config.AWS_REGION;
  const db = createDocumentClient({ region, endpoint: config.DYNAMODB_ENDPOINT });
  const s3 = createS3Client({ region, endpoint: config.S3_ENDPOINT });
  const ses = createSesClient({ region, endpoint: config.SES_ENDPOINT });
  return {
    now: () => new Date(),
    newId: () => randomUUID(),
    // 256 bits, URL-safe.
    newToken: () => randomBytes(32).toString('base64url'),
    campaigns: createCampaignRepository(db, config.TABLE_NAME),
    conventions: createConventionRepository(db, config.TABLE_NAME),
    documents: createS3DocumentStore(s3, config.BUCKET_NAME),
    mailer: createSesMailer(ses, config.SENDER_EMAIL),
    sealer: createPdfSealer(
      config.SEALING_SECRET_ID
        ? identityFromSecret(region, config.SEALING_SECRET_ID)
        : identityFromFile(config.SEALING_P12_PATH!, config.SEALING_P12_PASSPHRASE),
    ),
    publicBaseUrl: config.PUBLIC_BASE_URL,
    contactEmail: config.RECTORAT_CONTACT_EMAIL,
  };
}

let cached: Deps | undefined;

/** The process's dependencies, from process.env, parsed on first use (cold start). */
export function deps(): Deps {
  cached ??= composeDeps(loadConfig(process.env));
  return cached;
}
