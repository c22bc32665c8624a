/**
 * The sealer, for the functions that seal PDFs only: it brings node-forge and
 * the signing libraries, which the other functions need not carry.
 */
import type { PdfSealer } from '../use-cases/ports.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createPdfSealer } from './pdf-sealer.ts';
import { identityFromFile, identityFromSecret } from './sealing-identity.ts';
import { createTsaClient } from './tsa-client.ts';

export function sealer(): PdfSealer {
  const config = loadConfig(process.env);
  if (!config.SEALING_SECRET_ID && !config.SEALING_P12_PATH) {
    throw new ConfigError('Invalid or missing environment variables: SEALING_SECRET_ID or SEALING_P12_PATH (the sealing certificate)');
  }
  if (!config.TSA_URL) throw new ConfigError('Invalid or missing environment variables: TSA_URL (the time-stamping authority of the seal)');
  return createPdfSealer(
    config.SEALING_SECRET_ID
      ? identityFromSecret(config.AWS_REGION, config.SEALING_SECRET_ID)
      : identityFromFile(config.SEALING_P12_PATH!, config.SEALING_P12_PASSPHRASE),
    createTsaClient(config.TSA_URL),
  );
}
