/** Whether a user id is a real person who can be reached. */
export type ContactStatus = 'active' | 'deactivated' | 'not_found' | 'unreachable';

/** Looks people up where they are paged (Slack), for the pre-flight contacts check. */
export interface ContactDirectory {
  userStatus(userId: string): Promise<ContactStatus>;
}
