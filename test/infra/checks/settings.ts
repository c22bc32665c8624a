import { describe, expect, it } from 'vitest';
import { readSettings } from '../../../infra/app.ts';

const noContext = (): undefined => undefined;

const PROD_ENV = {
  PARAPHE_STAGE: 'prod',
  PARAPHE_SENDER_EMAIL: 'ne-pas-repondre@paraphe.ac-example.fr',
  PARAPHE_RECTORAT_CONTACT_EMAIL: 'ent-ecole@ac-example.fr',
  PARAPHE_OIDC_ISSUER: 'https://login.ac-example.fr',
  PARAPHE_OIDC_AUDIENCE: 'paraphe',
  PARAPHE_TSA_URL: 'https://tsa.ac-example.fr/tsa',
  PARAPHE_DOMAIN_NAME: 'paraphe.ac-example.fr',
  PARAPHE_CERTIFICATE_ARN: 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-1111-1111-1111-111111111111',
  PARAPHE_API_DOMAIN_NAME: 'api.paraphe.ac-example.fr',
  PARAPHE_API_CERTIFICATE_ARN: 'arn:aws:acm:eu-west-3:111111111111:certificate/00000000-0000-0000-0000-000000000000',
};

describe('settings', () => {
  it('default to a dev stage in eu-west-3 with ten years of Object Lock', () => {
    const settings = readSettings(noContext, {});
    expect(settings).toMatchObject({ stage: 'dev', region: 'eu-west-3', objectLockRetentionDays: 3650 });
    expect(settings.oidcAudience).toEqual(['paraphe-admin']);
  });

  it('take CDK context first, then PARAPHE_* variables', () => {
    const env = { PARAPHE_SENDER_EMAIL: 'env@example.org', PARAPHE_OIDC_AUDIENCE: 'a, b' };
    const fromEnv = readSettings(noContext, env);
    expect(fromEnv.senderEmail).toBe('env@example.org');
    expect(fromEnv.oidcAudience).toEqual(['a', 'b']);
    const fromContext = readSettings((key) => (key === 'senderEmail' ? 'ctx@example.org' : undefined), env);
    expect(fromContext.senderEmail).toBe('ctx@example.org');
  });

  it('name the setting and its variable when a value is invalid', () => {
    expect(() => readSettings(noContext, { PARAPHE_SENDER_EMAIL: 'not-an-address' })).toThrow(
      /senderEmail \(context senderEmail or PARAPHE_SENDER_EMAIL\)/,
    );
    expect(() => readSettings(noContext, { PARAPHE_OIDC_ISSUER: 'http://insecure.example.org' })).toThrow(/oidcIssuer/);
    expect(() => readSettings(noContext, { PARAPHE_TSA_URL: 'ldap://tsa.example.org' })).toThrow(/tsaUrl \(context tsaUrl or PARAPHE_TSA_URL\)/);
  });

  it('want a custom domain and its certificate together', () => {
    expect(() => readSettings(noContext, { PARAPHE_API_DOMAIN_NAME: 'paraphe.example.org' })).toThrow(/apiDomainName/);
  });

  it('refuse placeholders for the prod stage', () => {
    expect(() => readSettings(noContext, { PARAPHE_STAGE: 'prod' })).toThrow(
      /senderEmail.*rectoratContactEmail.*oidcIssuer.*oidcAudience.*tsaUrl/,
    );
    const prod = readSettings(noContext, PROD_ENV);
    expect(prod.stage).toBe('prod');
  });

  it('refuse a prod stage without the public domain and the API origin domain, each with its certificate', () => {
    const { PARAPHE_DOMAIN_NAME: _d, PARAPHE_CERTIFICATE_ARN: _c, PARAPHE_API_DOMAIN_NAME: _a, PARAPHE_API_CERTIFICATE_ARN: _ac, ...withoutDomains } = PROD_ENV;
    expect(() => readSettings(noContext, withoutDomains)).toThrow(
      /through CloudFront.*domainName \(context domainName or PARAPHE_DOMAIN_NAME\).*certificateArn.*apiDomainName.*apiCertificateArn/,
    );
  });

  it('want the public certificate in us-east-1, the API one in the stacks\' region, and two different names', () => {
    const eu = 'arn:aws:acm:eu-west-3:111111111111:certificate/x';
    expect(() => readSettings(noContext, { ...PROD_ENV, PARAPHE_CERTIFICATE_ARN: eu })).toThrow(/certificateArn.*us-east-1/);
    expect(() => readSettings(noContext, { ...PROD_ENV, PARAPHE_API_CERTIFICATE_ARN: PROD_ENV.PARAPHE_CERTIFICATE_ARN })).toThrow(/apiCertificateArn.*region/);
    expect(() => readSettings(noContext, { ...PROD_ENV, PARAPHE_API_DOMAIN_NAME: PROD_ENV.PARAPHE_DOMAIN_NAME })).toThrow(/apiDomainName.*differ/);
    expect(() => readSettings(noContext, { ...PROD_ENV, PARAPHE_DOMAIN_NAME: 'https://paraphe.ac-example.fr' })).toThrow(/domainName.*host name/);
  });

  it('want the API origin domain whenever a public domain is set, so the execute-api endpoint can be turned off', () => {
    expect(() =>
      readSettings(noContext, { PARAPHE_DOMAIN_NAME: PROD_ENV.PARAPHE_DOMAIN_NAME, PARAPHE_CERTIFICATE_ARN: PROD_ENV.PARAPHE_CERTIFICATE_ARN }),
    ).toThrow(/apiDomainName.*needs apiDomainName/);
  });
});
