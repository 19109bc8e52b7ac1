import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webApiDirectory } from '../../../src/adapters/slack/slack-directory.js';
import { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { webClientOn } from '../../support/web-client.js';

let standIn: SlackApiStandIn;
beforeEach(async () => {
  standIn = new SlackApiStandIn();
  await standIn.start();
});
afterEach(async () => {
  await standIn.stop();
});

describe('webApiDirectory', () => {
  it('finds an active user, a deactivated one, and one Slack does not know', async () => {
    standIn.anyUserExists = false;
    standIn.knownUsers.add('U0ACTIVE').add('U0GONE');
    standIn.deactivatedUsers.add('U0GONE');
    const directory = webApiDirectory(webClientOn(standIn));
    expect(await directory.userStatus('U0ACTIVE')).toBe('active');
    expect(await directory.userStatus('U0GONE')).toBe('deactivated');
    expect(await directory.userStatus('U0NOBODY')).toBe('not_found');
    expect(standIn.callsOf('users.info').map((call) => call.args.user)).toEqual([
      'U0ACTIVE',
      'U0GONE',
      'U0NOBODY',
    ]);
  });

  it('says a user is unreachable when Slack cannot be asked, rather than calling them gone', async () => {
    standIn.rateLimits.set('users.info', { times: 1, retryAfterSec: 1 });
    expect(await webApiDirectory(webClientOn(standIn)).userStatus('U0ACTIVE')).toBe('unreachable');
  });
});
