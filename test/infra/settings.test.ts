import { describe, expect, it } from 'vitest';
import { readSettings } from '../../infra/app.ts';

const noContext = (): undefined => undefined;

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
  });

  it('want a custom domain and its certificate together', () => {
    expect(() => readSettings(noContext, { PARAPHE_API_DOMAIN_NAME: 'paraphe.example.org' })).toThrow(/apiDomainName/);
  });

  it('refuse placeholders for the prod stage', () => {
    expect(() => readSettings(noContext, { PARAPHE_STAGE: 'prod' })).toThrow(
      /senderEmail.*rectoratContactEmail.*oidcIssuer.*oidcAudience/,
    );
    const prod = readSettings(noContext, {
      PARAPHE_STAGE: 'prod',
      PARAPHE_SENDER_EMAIL: 'ne-pas-repondre@paraphe.ac-example.fr',
      PARAPHE_RECTORAT_CONTACT_EMAIL: 'ent-ecole@ac-example.fr',
      PARAPHE_OIDC_ISSUER: 'https://login.ac-example.fr',
      PARAPHE_OIDC_AUDIENCE: 'paraphe',
    });
    expect(prod.stage).toBe('prod');
  });
});
