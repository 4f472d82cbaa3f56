import { MAX_JSON_BODY_BYTES, MAX_JSON_BODY_DEPTH } from '@gpt-runner-logs/contract';
import type { AppContext } from './context.js';
import { HttpProblem } from './problem.js';

/**
 * The one JSON body reader. Only a route that takes a body calls it, after authentication,
 * routing and its own role check, so an unknown route, a wrong method or a missing token is
 * answered before a byte of the body is read. Every refusal is an exposed 4xx naming `body`:
 * 400 for what is not a JSON object, 413 past the size limit, 415 for another media type or
 * any content coding.
 */
export interface JsonBodyLimits {
  maxBytes: number;
  maxDepth: number;
}

const DEFAULT_LIMITS: JsonBodyLimits = { maxBytes: MAX_JSON_BODY_BYTES, maxDepth: MAX_JSON_BODY_DEPTH };

const badBody = (detail: string): HttpProblem => new HttpProblem(400, `body: ${detail}`, { param: 'body' });

/** Keys that would reach an object's prototype once copied into one. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function hasBody(ctx: AppContext): boolean {
  const length = ctx.get('Content-Length');
  return (length !== '' && length !== '0') || ctx.get('Transfer-Encoding') !== '';
}

async function readText(ctx: AppContext, maxBytes: number): Promise<string> {
  const declared = Number(ctx.get('Content-Length') || 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    throw badBody('could not be read to its end');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw badBody('is not valid UTF-8');
  }
}

const tooLarge = (maxBytes: number): HttpProblem =>
  new HttpProblem(413, `body: larger than ${maxBytes} bytes; narrow the request instead`, { param: 'body' });

/** Nesting depth of a JSON text, counted without parsing it (strings skipped), stopping early. */
export function exceedsDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * The request's JSON object, as a null-prototype record; `{}` when there is no body.
 * Anything else is refused: other media types and content codings (415), more than
 * `maxBytes` (413), malformed JSON, nesting past `maxDepth`, a value that is not an object,
 * or a key such as `__proto__` (400 naming `body`).
 */
export async function readJsonObject(
  ctx: AppContext,
  limits: JsonBodyLimits = DEFAULT_LIMITS,
): Promise<Record<string, unknown>> {
  if (!hasBody(ctx)) return Object.create(null) as Record<string, unknown>;
  if (!ctx.is('application/json')) {
    throw new HttpProblem(415, 'body: send a JSON object with Content-Type: application/json', {
      param: 'body',
    });
  }
  const coding = ctx.get('Content-Encoding').trim().toLowerCase();
  if (coding !== '' && coding !== 'identity') {
    throw new HttpProblem(415, 'body: content codings are not accepted; send the JSON uncompressed', {
      param: 'body',
    });
  }
  const text = await readText(ctx, limits.maxBytes);
  if (text.trim() === '') return Object.create(null) as Record<string, unknown>;
  if (exceedsDepth(text, limits.maxDepth)) throw badBody(`nested deeper than ${limits.maxDepth} levels`);
  let forbidden: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(text, function (this: unknown, key: string, inner: unknown) {
      if (FORBIDDEN_KEYS.has(key)) forbidden ??= key;
      return inner;
    });
  } catch {
    throw badBody('is not valid JSON');
  }
  if (forbidden !== undefined) throw badBody(`the key ${forbidden} is not accepted`);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badBody('must be a JSON object of query parameters');
  }
  return Object.assign(Object.create(null) as Record<string, unknown>, value);
}
