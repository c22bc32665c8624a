import * as z from 'zod';

/**
 * Everything a function needs from its environment, parsed once at cold start.
 * In Lambda the endpoints are absent and the SDK uses AWS; locally they point
 * at DynamoDB Local, s3rver and aws-ses-v2-local. Nothing else differs.
 */
const optionalUrl = z.string().url().optional();

export const configSchema = z.object({
  TABLE_NAME: z.string().min(1),
  BUCKET_NAME: z.string().min(1),
  SENDER_EMAIL: z.string().email(),
  /** Base URL of the public API, used to build signing links in emails. */
  PUBLIC_BASE_URL: z.string().url(),
  /** Shown on every page and email a mayor reads. */
  RECTORAT_CONTACT_EMAIL: z.string().email(),
  /** Who receives the daily digest, comma-separated; the contact address when absent. */
  RECTORAT_DIGEST_EMAILS: z
    .string()
    .transform((value) => value.split(',').map((address) => address.trim()).filter(Boolean))
    .pipe(z.array(z.string().email()).min(1))
    .optional(),
  AWS_REGION: z.string().min(1).default('eu-west-3'),
  /** The sealing certificate: a Secrets Manager secret in AWS, or a PKCS#12 file locally. */
  SEALING_SECRET_ID: z.string().min(1).optional(),
  SEALING_P12_PATH: z.string().min(1).optional(),
  SEALING_P12_PASSPHRASE: z.string().default(''),
  /**
   * The RFC 3161 time-stamping authority that stamps every seal (PAdES B-T): the académie's qualified TSA in
   * AWS, the local one (infra/local/tsa.ts) otherwise. http or https, SHA-256. Required by the functions
   * that seal (sealing.ts), like the sealing certificate.
   */
  TSA_URL: z.string().url().optional(),
  /**
   * Messages per second that every email path together stays within: SES's sending quota of the account
   * and region (14 is the default production quota; the sandbox allows 1).
   */
  SES_MAX_SEND_RATE: z.coerce.number().positive().max(1000).default(14),
  /**
   * How long a job may stay pending before wake-jobs writes it again for the stream (its record was lost).
   * Longer than the event source mapping's maximum record age (6 h), so a job only queued is never doubled.
   */
  JOB_REDELIVER_AFTER_SECONDS: z.coerce.number().int().positive().default(7 * 60 * 60),
  /**
   * Behind CloudFront: the request header that carries the viewer's address (CloudFront's viewer-request
   * function writes it over anything the client sent). Absent: the header is not trusted (read by http/request.ts).
   */
  VIEWER_IP_HEADER: z.string().regex(/^[a-z0-9-]+$/).optional(),
  /**
   * The console (functions/console): the académie's OpenID provider (its issuer URL, as the admin API's JWT
   * authorizer has it), the console's client id there, and its secret (the session cookies' key and the
   * client secret): a Secrets Manager secret in AWS, a JSON file locally. Required by the console only.
   */
  OIDC_ISSUER: optionalUrl,
  CONSOLE_CLIENT_ID: z.string().min(1).optional(),
  CONSOLE_SECRET_ID: z.string().min(1).optional(),
  CONSOLE_SECRET_PATH: z.string().min(1).optional(),
  DYNAMODB_ENDPOINT: optionalUrl,
  S3_ENDPOINT: optionalUrl,
  SES_ENDPOINT: optionalUrl,
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((issue) => `${issue.path.join('.')} (${issue.message})`);
    throw new ConfigError(`Invalid or missing environment variables: ${names.join(', ')}`);
  }
  return parsed.data;
}
