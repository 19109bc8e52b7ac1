/**
 * The bot scope each Web API method the bot calls needs (null: none). A method the code calls must be
 * listed here, and the manifest must ask for exactly the scopes listed: a test checks both.
 */
export const WEB_API_SCOPES: Readonly<Record<string, string | null>> = {
  'auth.test': null,
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'views.publish': null,
  'views.open': null,
  'users.info': 'users:read',
  // Read back to find a post that may have landed before it is made again (find-delivery.ts).
  'conversations.history': 'channels:history',
  'conversations.replies': 'channels:history',
};

/**
 * Scopes that come with features rather than methods: slash commands need `commands`, and reading a
 * private release or incident channel back needs `groups:history` beside `channels:history`
 * (https://docs.slack.dev/reference/methods/conversations.replies).
 */
export const FEATURE_SCOPES = ['commands', 'groups:history'] as const;
