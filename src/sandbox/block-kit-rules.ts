/**
 * Slack's Block Kit rules, as the Web API enforces them, for the stand-in and for the view tests. Each
 * problem is reported the way Slack words its `errors`: what is wrong, then `[json-pointer:/…]`.
 * Pure: no I/O, no clock.
 */

/** Where blocks are drawn; modals and the Home tab take more blocks than a message. */
export type Surface = 'message' | 'modal' | 'home';

/** The limits encoded below, each next to the Slack reference page that states it. */
export const BLOCK_KIT_LIMITS = {
  // https://docs.slack.dev/reference/block-kit/blocks: "up to 50 blocks in each message, and 100 blocks in modals or Home tabs".
  blocks: { message: 50, modal: 100, home: 100 } as Record<Surface, number>,
  // https://docs.slack.dev/reference/block-kit/blocks (every block): block_id at most 255 characters, unique per message.
  blockId: 255,
  // https://docs.slack.dev/reference/block-kit/composition-objects/text-object: text 1 to 3,000 characters.
  text: 3_000,
  // https://docs.slack.dev/reference/block-kit/blocks/section-block: text 3,000; at most 10 fields of 2,000 each.
  sectionText: 3_000,
  fields: 10,
  fieldText: 2_000,
  // https://docs.slack.dev/reference/block-kit/blocks/header-block: plain_text, at most 150 characters.
  headerText: 150,
  // https://docs.slack.dev/reference/block-kit/blocks/context-block: at most 10 elements.
  contextElements: 10,
  // https://docs.slack.dev/reference/block-kit/blocks/actions-block: at most 25 elements.
  actionElements: 25,
  // https://docs.slack.dev/reference/block-kit/block-elements/button-element: plain_text 75, action_id 255,
  // value 2,000, url 3,000; style primary or danger.
  buttonText: 75,
  actionId: 255,
  buttonValue: 2_000,
  buttonUrl: 3_000,
  // https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object:
  // title 100 (plain_text), text 300, confirm 30 and deny 30 (plain_text).
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  // https://docs.slack.dev/reference/block-kit/blocks/input-block: label and hint plain_text, at most 2,000.
  inputLabel: 2_000,
  // https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element: max_length at most 3,000.
  plainTextInputMax: 3_000,
} as const;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Collects problems while walking one surface; block_ids are unique across the whole surface. */
class Walk {
  readonly errors: string[] = [];
  readonly #blockIds = new Set<string>();

  fail(pointer: string, problem: string): undefined {
    this.errors.push(`${problem} [json-pointer:${pointer}]`);
    return undefined;
  }

  blockId(pointer: string, id: unknown): undefined {
    if (id === undefined) return;
    if (typeof id !== 'string' || id.length === 0 || id.length > BLOCK_KIT_LIMITS.blockId)
      return this.fail(pointer, `block_id must be 1 to ${BLOCK_KIT_LIMITS.blockId} characters`);
    if (this.#blockIds.has(id)) this.fail(pointer, `block_id ${id} is already used in this surface`);
    this.#blockIds.add(id);
  }

  /** A text object; `plainOnly` where Slack takes only plain_text. */
  text(pointer: string, value: unknown, max: number, plainOnly = false): undefined {
    if (!isObject(value)) return this.fail(pointer, 'must be a text object');
    if (value.type !== 'plain_text' && (plainOnly || value.type !== 'mrkdwn'))
      return this.fail(`${pointer}/type`, plainOnly ? 'must be plain_text' : 'must be plain_text or mrkdwn');
    if (typeof value.text !== 'string' || value.text.length === 0)
      return this.fail(`${pointer}/text`, 'must be a string of at least 1 character');
    if (value.text.length > max) this.fail(`${pointer}/text`, `must be at most ${max} characters`);
  }

  string(pointer: string, value: unknown, max: number, required: boolean): undefined {
    if (value === undefined && !required) return;
    if (typeof value !== 'string' || value.length === 0 || value.length > max)
      this.fail(pointer, `must be a string of 1 to ${max} characters`);
  }
}

/** Every problem Slack would report for these blocks on this surface; empty when they would be accepted. */
export function blockKitErrors(blocks: unknown, surface: Surface, pointer = '/blocks'): string[] {
  const walk = new Walk();
  if (!Array.isArray(blocks)) {
    walk.fail(pointer, 'must be an array of blocks');
    return walk.errors;
  }
  const max = BLOCK_KIT_LIMITS.blocks[surface];
  if (blocks.length > max) walk.fail(pointer, `must have at most ${max} blocks, not ${blocks.length}`);
  blocks.forEach((block, index) => {
    blockRules(walk, `${pointer}/${index}`, block);
  });
  return walk.errors;
}

function blockRules(walk: Walk, at: string, block: unknown): undefined {
  if (!isObject(block)) return walk.fail(at, 'must be a block object');
  walk.blockId(`${at}/block_id`, block.block_id);
  const L = BLOCK_KIT_LIMITS;
  switch (block.type) {
    case 'divider':
      return;
    case 'header':
      return walk.text(`${at}/text`, block.text, L.headerText, true);
    case 'section':
      return sectionRules(walk, at, block);
    case 'context': {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > L.contextElements)
        return walk.fail(`${at}/elements`, `must have 1 to ${L.contextElements} elements`);
      elements.forEach((element, index) => {
        walk.text(`${at}/elements/${index}`, element, L.text);
      });
      return;
    }
    case 'actions': {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > L.actionElements)
        return walk.fail(`${at}/elements`, `must have 1 to ${L.actionElements} elements`);
      const actionIds = new Set<string>();
      elements.forEach((element, index) => {
        elementRules(walk, `${at}/elements/${index}`, element, actionIds);
      });
      return;
    }
    case 'input':
      walk.text(`${at}/label`, block.label, L.inputLabel, true);
      if (block.hint !== undefined) walk.text(`${at}/hint`, block.hint, L.inputLabel, true);
      return elementRules(walk, `${at}/element`, block.element, new Set());
    default:
      return walk.fail(`${at}/type`, `block type ${String(block.type)} is not one the stand-in knows`);
  }
}

function sectionRules(walk: Walk, at: string, block: Json): undefined {
  const L = BLOCK_KIT_LIMITS;
  if (block.text === undefined && block.fields === undefined)
    return walk.fail(at, 'a section needs text or fields');
  if (block.text !== undefined) walk.text(`${at}/text`, block.text, L.sectionText);
  if (block.fields !== undefined) {
    const fields = block.fields;
    if (!Array.isArray(fields) || fields.length === 0 || fields.length > L.fields)
      walk.fail(`${at}/fields`, `must have 1 to ${L.fields} fields`);
    else
      fields.forEach((field, index) => {
        walk.text(`${at}/fields/${index}`, field, L.fieldText);
      });
  }
  if (block.accessory !== undefined) elementRules(walk, `${at}/accessory`, block.accessory, new Set());
}

/** An interactive element; `actionIds` are those already used in the same block. */
function elementRules(walk: Walk, at: string, element: unknown, actionIds: Set<string>): undefined {
  const L = BLOCK_KIT_LIMITS;
  if (!isObject(element)) return walk.fail(at, 'must be an element object');
  const id = element.action_id;
  if (id !== undefined) {
    walk.string(`${at}/action_id`, id, L.actionId, true);
    // https://docs.slack.dev/reference/block-kit/block-elements/button-element: unique in the containing block.
    if (typeof id === 'string' && actionIds.has(id))
      walk.fail(`${at}/action_id`, `action_id ${id} is already used in this block`);
    if (typeof id === 'string') actionIds.add(id);
  }
  switch (element.type) {
    case 'button':
      walk.text(`${at}/text`, element.text, L.buttonText, true);
      walk.string(`${at}/value`, element.value, L.buttonValue, false);
      walk.string(`${at}/url`, element.url, L.buttonUrl, false);
      if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger')
        walk.fail(`${at}/style`, 'must be primary or danger');
      if (element.confirm !== undefined) confirmRules(walk, `${at}/confirm`, element.confirm);
      return;
    case 'plain_text_input': {
      const maxLength = element.max_length;
      if (
        maxLength !== undefined &&
        (typeof maxLength !== 'number' || maxLength < 1 || maxLength > L.plainTextInputMax)
      )
        walk.fail(`${at}/max_length`, `must be 1 to ${L.plainTextInputMax}`);
      return;
    }
    default:
      return walk.fail(`${at}/type`, `element type ${String(element.type)} is not one the stand-in knows`);
  }
}

function confirmRules(walk: Walk, at: string, confirm: unknown): undefined {
  const L = BLOCK_KIT_LIMITS;
  if (!isObject(confirm)) return walk.fail(at, 'must be a confirmation dialog object');
  walk.text(`${at}/title`, confirm.title, L.confirmTitle, true);
  walk.text(`${at}/text`, confirm.text, L.confirmText);
  walk.text(`${at}/confirm`, confirm.confirm, L.confirmButton, true);
  walk.text(`${at}/deny`, confirm.deny, L.confirmButton, true);
}
