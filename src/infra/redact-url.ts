/** A URL fit for logs: any password (and user name) in it replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = 'redacted';
    if (parsed.username) parsed.username = 'redacted';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
