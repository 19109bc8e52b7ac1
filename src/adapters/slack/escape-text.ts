/**
 * Escapes text for mrkdwn as Slack escapes slash-command text, so a reason typed into a modal cannot
 * become a `<!channel>` mention or a disguised link when the bot shows it. Views call it once, as they
 * draw; what is stored is the text as typed.
 */
export function escapeSlackText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Undoes escapeSlackText once: slash-command text arrives escaped, and is stored as it was typed. */
export function unescapeSlackText(text: string): string {
  // `&amp;` last, so that a typed `&lt;` (sent as `&amp;lt;`) comes back as `&lt;`.
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

const SLACK_USER_ID = /^[UW][A-Z0-9_]+$/;

/**
 * Plain text from the domain as mrkdwn: escaped once, and each of the given Slack user ids shown as a
 * mention. Only ids the caller knows (the roles' members, the actor) become mentions, so no text can
 * produce a broadcast; an id that someone typed in a reason shows as that person's mention too.
 */
export function mrkdwnOf(text: string, userIds: Iterable<string> = []): string {
  const escaped = escapeSlackText(text);
  const ids = new Set([...userIds].filter((id) => SLACK_USER_ID.test(id)));
  if (ids.size === 0) return escaped;
  // Every whole word shaped like an id, kept as a mention when it is one of the given ids: the same
  // words as a pattern of the ids themselves would match, without compiling one per call.
  return escaped.replace(ID_WORD, (word) => (ids.has(word) ? `<@${word}>` : word));
}

/** A whole word that could be a user id; global, which `replace` starts from the beginning each time. */
const ID_WORD = /\b[UW][A-Z0-9_]+\b/g;

/** The user ids a view may show as mentions: every member of the policy's roles, and anyone else named. */
export function peopleOf(
  policy: { roles: ReadonlyArray<{ userIds: readonly string[] }> } | undefined,
  ...others: Array<string | undefined>
): string[] {
  return [
    ...(policy?.roles.flatMap((role) => role.userIds) ?? []),
    ...others.filter((id) => id !== undefined),
  ];
}
