import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/adapters/http/escape-html.js';

describe('escapeHtml', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`" onload='x' a="`, '&quot; onload=&#39;x&#39; a=&quot;'],
    ['&lt; stays as typed', '&amp;lt; stays as typed'],
    [0.05, '0.05'],
  ])('escapes %j', (text, expected) => {
    expect(escapeHtml(text)).toBe(expected);
  });
});
