/** The retry of the writes that must land: what may pass later is retried, a definite refusal is not. */
import { describe, expect, it } from 'vitest';
import { mayPassLater, persistently } from '../../functions/adapters/persistently.ts';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' });
const answered = (name: string, httpStatusCode: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });

describe('persistently', () => {
  it('retries a refused connection until the server is back', async () => {
    let calls = 0;
    const result = await persistently(async () => {
      calls += 1;
      if (calls < 3) throw refused();
      return 'landed';
    });
    expect(result).toBe('landed');
    expect(calls).toBe(3);
  });

  it('gives up at once on a definite refusal, such as a validation error or a denied access', async () => {
    for (const error of [answered('ValidationException', 400), answered('AccessDenied', 403)]) {
      let calls = 0;
      await expect(persistently(async () => { calls += 1; throw error; })).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });

  it('counts server errors, throttling and transaction conflicts among what may pass later', () => {
    expect(mayPassLater(refused())).toBe(true);
    expect(mayPassLater(answered('InternalServerError', 500))).toBe(true);
    expect(mayPassLater(answered('ThrottlingException', 400))).toBe(true);
    expect(mayPassLater(answered('SlowDown', 503))).toBe(true);
    expect(mayPassLater(answered('TransactionCanceledException', 400))).toBe(true);
    expect(mayPassLater(answered('ConditionalCheckFailedException', 400))).toBe(false);
  });
});
