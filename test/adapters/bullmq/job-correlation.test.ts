import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { stampCorrelation, takeCorrelation } from '../../../src/adapters/bullmq/job-correlation.js';
import { withCorrelation } from '../../../src/infra/correlation.js';

const jobOf = (data: unknown, id = '7') => ({ id, name: 'ramp', data }) as unknown as Job;

describe('stampCorrelation', () => {
  it('adds the running correlation id to job data, and nothing outside one', () => {
    expect(withCorrelation('c-1', () => stampCorrelation({ rolloutId: 'R1' }))).toEqual({
      rolloutId: 'R1',
      cid: 'c-1',
    });
    expect(stampCorrelation({ rolloutId: 'R1' })).toEqual({ rolloutId: 'R1' });
  });

  it('keeps the id data carries already, and leaves what is no object alone', () => {
    expect(withCorrelation('c-2', () => stampCorrelation({ cid: 'c-1' }))).toEqual({ cid: 'c-1' });
    expect(withCorrelation('c-2', () => stampCorrelation(['a']))).toEqual(['a']);
    expect(withCorrelation('c-2', () => stampCorrelation('text'))).toBe('text');
  });
});

describe('takeCorrelation', () => {
  it('takes the id out of the data the handler sees', () => {
    const job = jobOf({ rolloutId: 'R1', cid: 'c-1' });
    expect(takeCorrelation(job, 'mec-ramp')).toBe('c-1');
    expect(job.data).toEqual({ rolloutId: 'R1' });
  });

  it('names a job without one by its queue and id', () => {
    expect(takeCorrelation(jobOf({ rolloutId: 'R1' }), 'mec-ramp')).toBe('mec-ramp/7');
    expect(takeCorrelation(jobOf({ cid: '' }), 'mec-ramp')).toBe('mec-ramp/7');
  });
});
