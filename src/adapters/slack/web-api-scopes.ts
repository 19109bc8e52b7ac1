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
};

/** Scopes that come with features rather than methods: slash commands need `commands`. */
export const FEATURE_SCOPES = ['commands'] as const;
