import { describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../../infra/functions.ts';
import { PROJECT_ROOT } from '../../../infra/local/paths.ts';
import { fireSchedule, scheduleCron, toCronerPattern } from '../../../infra/local/scheduler.ts';

const weekdayMorning: FunctionSpec = {
  name: 'echo-scheduled',
  entry: 'test/fixtures/handlers/echo-scheduled.ts',
  routes: [],
  schedule: { cron: 'cron(0 9 ? * MON-FRI *)', description: 'every working day at 09:00 Paris' },
  table: 'read',
};

describe('the local scheduler', () => {
  it("turns EventBridge's six-field cron into croner's five, Sunday being 1 in EventBridge and 0 in croner", () => {
    expect(toCronerPattern('cron(0 9 ? * MON-FRI *)')).toBe('0 9 * * MON-FRI');
    expect(toCronerPattern('cron(30 7 ? * 2-6 *)')).toBe('30 7 * * 1-5');
    expect(() => toCronerPattern('rate(1 day)')).toThrow();
  });

  it('fires at 09:00 Paris time: 08:00 UTC in winter, 07:00 UTC in summer', () => {
    const cron = scheduleCron(weekdayMorning);
    expect(cron.nextRun(new Date('2026-11-23T06:00:00Z'))?.toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(cron.nextRun(new Date('2026-06-15T06:00:00Z'))?.toISOString()).toBe('2026-06-15T07:00:00.000Z');
  });

  it('skips the weekend: after Friday 09:00 comes Monday 09:00', () => {
    const cron = scheduleCron(weekdayMorning);
    expect(cron.nextRun(new Date('2026-11-27T09:00:00Z'))?.toISOString()).toBe('2026-11-30T08:00:00.000Z');
  });

  it('hands the function the scheduled time, from which it reads "today"', async () => {
    const at = new Date('2026-10-13T07:00:00Z');
    const result = (await fireSchedule(PROJECT_ROOT, weekdayMorning, at)) as { received: { time: string; 'detail-type': string } };
    expect(result.received).toMatchObject({ time: '2026-10-13T07:00:00.000Z', 'detail-type': 'Scheduled Event' });
  });
});
