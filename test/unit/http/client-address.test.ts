import { afterEach, describe, expect, it, vi } from 'vitest';

const event = (headers: Record<string, string>) =>
  ({ headers, requestContext: { http: { sourceIp: '130.176.1.1', userAgent: 'Mozilla/5.0' } } }) as never;

async function clientOfWith(env: string | undefined) {
  vi.resetModules();
  if (env === undefined) vi.stubEnv('VIEWER_IP_HEADER', undefined as never);
  else vi.stubEnv('VIEWER_IP_HEADER', env);
  return (await import('../../../functions/http/request.ts')).clientOf;
}

describe("the audit trail's client address behind CloudFront", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("takes the viewer's address from the header CloudFront writes, when the function is told its name", async () => {
    const clientOf = await clientOfWith('x-paraphe-viewer-ip');
    expect(clientOf(event({ 'x-paraphe-viewer-ip': '2a01:e0a:1::7' })).ip).toBe('2a01:e0a:1::7');
  });

  it('does not trust that header when no CloudFront is configured: a client could write anything there', async () => {
    const clientOf = await clientOfWith(undefined);
    expect(clientOf(event({ 'x-paraphe-viewer-ip': '203.0.113.9' })).ip).toBe('130.176.1.1');
  });

  it("keeps API Gateway's address when the header holds something that is not an address", async () => {
    const clientOf = await clientOfWith('x-paraphe-viewer-ip');
    expect(clientOf(event({ 'x-paraphe-viewer-ip': '<script>' })).ip).toBe('130.176.1.1');
  });
});
