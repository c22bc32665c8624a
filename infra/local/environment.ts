import { LOCAL_SEALING_PASSPHRASE } from './sealing-certificate.ts';

/** The environment the handlers get locally: the Lambda one, plus endpoints of the local servers. */
export interface LocalStackSettings {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  sesEndpoint: string;
  gatewayUrl: string;
  tableName: string;
  bucketName: string;
  sesInboxUrl: string;
  sealingP12Path: string;
  /** The local time-stamping authority (infra/local/tsa.ts). */
  tsaUrl: string;
}

export const LOCAL_SENDER = 'conventions-ent@paraphe.example.org';
export const LOCAL_CONTACT = 'ent-ecole@rectorat.example.org';

export function handlerEnvironment(settings: LocalStackSettings): Record<string, string> {
  return {
    TABLE_NAME: settings.tableName,
    BUCKET_NAME: settings.bucketName,
    SENDER_EMAIL: LOCAL_SENDER,
    PUBLIC_BASE_URL: settings.gatewayUrl,
    RECTORAT_CONTACT_EMAIL: LOCAL_CONTACT,
    AWS_REGION: 'eu-west-3',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    DYNAMODB_ENDPOINT: settings.dynamodbEndpoint,
    S3_ENDPOINT: settings.s3Endpoint,
    SES_ENDPOINT: settings.sesEndpoint,
    SEALING_P12_PATH: settings.sealingP12Path,
    SEALING_P12_PASSPHRASE: LOCAL_SEALING_PASSPHRASE,
    TSA_URL: settings.tsaUrl,
  };
}

export function applyEnvironment(env: Record<string, string>): void {
  Object.assign(process.env, env);
}
