/**
 * The labelled examples of docs/AUDIT.md, read as its section 1 describes them: a fenced block whose
 * info string is `audit-example <label>`, holding `name: value` lines, then optionally a line `---`
 * and a text field that runs to the closing fence (each line followed by `\n`).
 */
export interface AuditExample {
  label: string;
  fields: Array<[name: string, value: string]>;
  text?: string;
}

const BLOCK = /^```audit-example (\S+)\n([\s\S]*?)^```$/gm;

export function parseExamples(markdown: string): AuditExample[] {
  return [...markdown.matchAll(BLOCK)].map(([, label = '', content = '']) => {
    const lines = content.split('\n').slice(0, -1);
    const split = lines.indexOf('---');
    const fieldLines = split < 0 ? lines : lines.slice(0, split);
    const fields = fieldLines.map((line): [string, string] => {
      const at = line.indexOf(': ');
      if (at <= 0) throw new Error(`example ${label}: ${JSON.stringify(line)} is not a "name: value" line`);
      return [line.slice(0, at), line.slice(at + 2)];
    });
    const example: AuditExample = { label, fields };
    if (split >= 0)
      example.text = lines
        .slice(split + 1)
        .map((line) => `${line}\n`)
        .join('');
    return example;
  });
}

/**
 * Reads one example's fields and remembers which were read, so that a field no verifier looks at
 * (a typo, a value added to the doc) fails the test instead of passing unchecked.
 */
export class ExampleReader {
  readonly label: string;
  readonly #example: AuditExample;
  readonly #read = new Set<string>();

  constructor(example: AuditExample) {
    this.label = example.label;
    this.#example = example;
  }

  /** The values of every field called `name`, in order; at least one. */
  all(name: string): string[] {
    this.#read.add(name);
    const values = this.#example.fields.filter(([field]) => field === name).map(([, value]) => value);
    if (values.length === 0) throw new Error(`example ${this.label} has no field ${name}`);
    return values;
  }

  /** The value of the one field called `name`. */
  one(name: string): string {
    const values = this.all(name);
    if (values.length > 1) throw new Error(`example ${this.label} has ${values.length} fields ${name}`);
    return values[0] as string;
  }

  /** A field holding a decimal count, no leading zero. */
  count(name: string): number {
    const value = this.one(name);
    if (!/^(0|[1-9][0-9]*)$/.test(value)) throw new Error(`example ${this.label}: ${name} is not a count`);
    return Number(value);
  }

  text(): string {
    this.#read.add('---');
    if (this.#example.text === undefined) throw new Error(`example ${this.label} has no text after ---`);
    return this.#example.text;
  }

  /** The fields (and the text, as `---`) nobody read. */
  unread(): string[] {
    const names = this.#example.fields.map(([name]) => name);
    if (this.#example.text !== undefined) names.push('---');
    return [...new Set(names)].filter((name) => !this.#read.has(name));
  }
}

/** What a verifier of one example gets: its fields, and the other examples it builds on. */
interface ExampleContext {
  read: ExampleReader;
  /** Another example of the doc, for the values it builds on (its fields are not counted as read). */
  other(label: string): ExampleReader;
}

export type ExampleVerifier = (context: ExampleContext) => void | Promise<void>;

/**
 * Copies of `example` with one character of one value changed, for every value and every line of its
 * text: the first and the last letter or digit, each moved to another of its kind (a hex digit stays
 * hex, so hashes stay well formed and only their value is wrong).
 */
export function* mutationsOf(example: AuditExample): Generator<{ what: string; example: AuditExample }> {
  for (const [index, [name, value]] of example.fields.entries()) {
    for (const changed of changedCopies(value)) {
      const fields = example.fields.map((field, at): [string, string] =>
        at === index ? [name, changed] : field,
      );
      yield { what: `${name}: ${changed}`, example: { ...example, fields } };
    }
  }
  const lines = example.text?.split('\n').slice(0, -1) ?? [];
  for (const [index, line] of lines.entries()) {
    for (const changed of changedCopies(line)) {
      const text = lines.map((other, at) => `${at === index ? changed : other}\n`).join('');
      yield { what: `text line ${index + 1}: ${changed}`, example: { ...example, text } };
    }
  }
}

function changedCopies(value: string): string[] {
  const positions = [value.search(/[0-9A-Za-z]/), lastAlphanumeric(value)].filter((at) => at >= 0);
  return [...new Set(positions)].map(
    (at) => `${value.slice(0, at)}${nextOfKind(value[at] as string)}${value.slice(at + 1)}`,
  );
}

function lastAlphanumeric(value: string): number {
  for (let at = value.length - 1; at >= 0; at -= 1) if (/[0-9A-Za-z]/.test(value[at] as string)) return at;
  return -1;
}

function nextOfKind(char: string): string {
  if (char === '9') return '0';
  if (char === 'f') return 'a';
  if (char === 'z') return 'a';
  if (char === 'Z') return 'A';
  return String.fromCharCode(char.charCodeAt(0) + 1);
}
