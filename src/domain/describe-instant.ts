import { UTCDate } from '@date-fns/utc';
import { format, formatDistanceStrict, isSameDay } from 'date-fns';

/**
 * Says when something happens for a person reading Slack: `14:05 UTC, in 7 minutes`, or with the date
 * when it is not today (UTC): `21 Oct 14:05 UTC, 3 days ago`.
 */
export function describeInstant(at: Date, now: Date): string {
  const utcAt = new UTCDate(at);
  const clock = isSameDay(utcAt, new UTCDate(now)) ? format(utcAt, 'HH:mm') : format(utcAt, 'd MMM HH:mm');
  return `${clock} UTC, ${formatDistanceStrict(at, now, { addSuffix: true, roundingMethod: 'ceil' })}`;
}
