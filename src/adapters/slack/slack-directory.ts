import type { webApi } from '@slack/bolt';
import type { ContactDirectory, ContactStatus } from '../../app/ports/contact-directory.js';

/** Contacts looked up with users.info: a deleted account is deactivated; an unknown id is not found. */
export function webApiDirectory(client: webApi.WebClient): ContactDirectory {
  return {
    async userStatus(userId: string): Promise<ContactStatus> {
      try {
        const response = await client.users.info({ user: userId });
        return response.user?.deleted ? 'deactivated' : 'active';
      } catch (error) {
        const code = (error as { data?: { error?: string } }).data?.error;
        return code === 'user_not_found' || code === 'users_not_found' ? 'not_found' : 'unreachable';
      }
    },
  };
}
