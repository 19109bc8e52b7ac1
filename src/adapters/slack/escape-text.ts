/**
 * Escapes text for mrkdwn as Slack escapes slash-command text, so a reason typed into a modal cannot
 * become a `<!channel>` mention or a disguised link when the bot shows it.
 */
export function escapeSlackText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
