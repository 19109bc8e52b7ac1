import { blockKitErrors } from './block-kit-rules.js';

/**
 * What Slack answers a Web API call it refuses: its error code, and for block and view problems the
 * `errors` and `response_metadata.messages` it lists them in.
 */
export interface SlackRefusal {
  error: 'invalid_blocks' | 'msg_too_long' | 'no_text' | 'invalid_arguments' | 'invalid_metadata_format';
  errors?: string[];
}

/** The refusal as Slack's JSON body. */
export function refusalBody(refusal: SlackRefusal): Record<string, unknown> {
  return {
    ok: false,
    error: refusal.error,
    ...(refusal.errors
      ? {
          errors: refusal.errors,
          response_metadata: { messages: refusal.errors.map((error) => `[ERROR] ${error}`) },
        }
      : {}),
  };
}

// https://docs.slack.dev/reference/methods/chat.postMessage: text over 40,000 characters is refused as
// msg_too_long; `text` is the fallback that notifications and screen readers use, and Slack warns
// (missing_text_in_blocks) when blocks come without it. This project refuses a message without one.
export const MESSAGE_TEXT_MAX = 40_000;
// https://docs.slack.dev/reference/views/modal-views: title, submit and close plain_text of at most 24
// characters; submit required with an input block; private_metadata and callback_id at most 3,000 / 255.
const VIEW_LIMITS = { title: 24, privateMetadata: 3_000, callbackId: 255 } as const;

const MESSAGE_METHODS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'response_url']);
const VIEW_METHODS = new Set(['views.open', 'views.update', 'views.publish']);

/** Slack's refusal of this call's payload, or undefined when Slack would take it. */
export function payloadRefusal(method: string, args: Record<string, unknown>): SlackRefusal | undefined {
  if (MESSAGE_METHODS.has(method)) return messageRefusal(method, args);
  if (VIEW_METHODS.has(method)) return viewRefusal(method, args);
  return undefined;
}

function messageRefusal(method: string, args: Record<string, unknown>): SlackRefusal | undefined {
  // A response_url post that only deletes the original carries no message.
  if (method === 'response_url' && args.delete_original === true) return undefined;
  const missing = ['channel', ...(method === 'chat.update' ? ['ts'] : [])].filter(
    (name) => method !== 'response_url' && (typeof args[name] !== 'string' || args[name] === ''),
  );
  if (method === 'chat.postEphemeral' && (typeof args.user !== 'string' || args.user === ''))
    missing.push('user');
  if (missing.length > 0)
    return {
      error: 'invalid_arguments',
      errors: missing.map((name) => `${name} is required [json-pointer:/${name}]`),
    };
  if (typeof args.text !== 'string' || args.text.trim() === '') return { error: 'no_text' };
  if (args.text.length > MESSAGE_TEXT_MAX) return { error: 'msg_too_long' };
  if (args.metadata !== undefined && !isMetadata(args.metadata)) return { error: 'invalid_metadata_format' };
  if (args.blocks === undefined) return undefined;
  const errors = blockKitErrors(args.blocks, 'message');
  return errors.length > 0 ? { error: 'invalid_blocks', errors } : undefined;
}

/**
 * Message metadata is an `event_type` string and an `event_payload` object
 * (https://docs.slack.dev/messaging/message-metadata); chat.postMessage refuses anything else as
 * `invalid_metadata_format` (https://docs.slack.dev/reference/methods/chat.postMessage).
 */
function isMetadata(metadata: unknown): boolean {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return false;
  const { event_type: type, event_payload: payload } = metadata as Record<string, unknown>;
  return (
    typeof type === 'string' &&
    type !== '' &&
    typeof payload === 'object' &&
    payload !== null &&
    !Array.isArray(payload)
  );
}

function viewRefusal(method: string, args: Record<string, unknown>): SlackRefusal | undefined {
  const errors: string[] = [];
  const required =
    method === 'views.open' ? 'trigger_id' : method === 'views.publish' ? 'user_id' : undefined;
  if (required && (typeof args[required] !== 'string' || args[required] === ''))
    errors.push(`${required} is required [json-pointer:/${required}]`);
  const view = args.view;
  if (typeof view !== 'object' || view === null || Array.isArray(view)) {
    errors.push('view must be a view object [json-pointer:/view]');
    return { error: 'invalid_arguments', errors };
  }
  const fields = view as Record<string, unknown>;
  const surface = method === 'views.publish' ? 'home' : 'modal';
  if (fields.type !== surface) errors.push(`must be ${surface} [json-pointer:/view/type]`);
  if (surface === 'modal') {
    plainText(errors, '/view/title', fields.title, true);
    plainText(errors, '/view/close', fields.close, false);
    const hasInput = Array.isArray(fields.blocks) && fields.blocks.some((block) => block?.type === 'input');
    plainText(errors, '/view/submit', fields.submit, hasInput);
  }
  lengthAtMost(errors, '/view/private_metadata', fields.private_metadata, VIEW_LIMITS.privateMetadata);
  lengthAtMost(errors, '/view/callback_id', fields.callback_id, VIEW_LIMITS.callbackId);
  errors.push(...blockKitErrors(fields.blocks, surface, '/view/blocks'));
  return errors.length > 0 ? { error: 'invalid_arguments', errors } : undefined;
}

function plainText(errors: string[], pointer: string, value: unknown, required: boolean): void {
  if (value === undefined) {
    if (required) errors.push(`is required [json-pointer:${pointer}]`);
    return;
  }
  const text = value as { type?: unknown; text?: unknown };
  if (text?.type !== 'plain_text') errors.push(`must be plain_text [json-pointer:${pointer}/type]`);
  if (typeof text?.text !== 'string' || text.text.length === 0 || text.text.length > VIEW_LIMITS.title)
    errors.push(`must be 1 to ${VIEW_LIMITS.title} characters [json-pointer:${pointer}/text]`);
}

function lengthAtMost(errors: string[], pointer: string, value: unknown, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length > max)
    errors.push(`must be a string of at most ${max} characters [json-pointer:${pointer}]`);
}
