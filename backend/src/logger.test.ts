import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, errorForLog } from './logger.js';

const TOKEN = 'secret-token-0123456789';

function hostileError(): Error {
  const error = Object.assign(new Error('Parse Error: Invalid character in chunk size'), {
    code: 'HPE_INVALID_CHUNK_SIZE',
    rawPacket: Buffer.from(`POST / HTTP/1.1\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`),
    headers: { authorization: `Bearer ${TOKEN}` },
    config: { headers: { Authorization: `Bearer ${TOKEN}` } },
    response: { data: TOKEN },
  });
  const cause = Object.assign(new Error('upstream'), { request: { headers: { authorization: TOKEN } } });
  return Object.assign(error, { cause });
}

describe('errors in log records', () => {
  it('keeps type, message, code and cause, and no field holding request bytes or headers', () => {
    const safe = errorForLog(hostileError()) as Record<string, unknown>;
    const text = JSON.stringify(safe);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toMatch(/rawPacket|authorization/i);
    expect(safe).toMatchObject({
      type: 'Error',
      code: 'HPE_INVALID_CHUNK_SIZE',
      message: expect.any(String),
    });
    expect(safe.cause).toMatchObject({ message: 'upstream' });
  });

  it('is how the logger writes `err`, whoever logs it', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    createLogger('info', sink).warn({ err: hostileError() }, 'response failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('HPE_INVALID_CHUNK_SIZE');
    expect(lines[0]).not.toContain(TOKEN);
    expect(lines[0]).not.toMatch(/rawPacket/);
  });
});
