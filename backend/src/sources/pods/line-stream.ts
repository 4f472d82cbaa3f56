import { Writable, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export interface LineStreamEvents {
  /** Complete lines, without their newline, in arrival order. */
  onLines: (lines: string[]) => void;
  /** Once: the server ended the body (`error` undefined) or the connection broke. */
  onClose: (error?: unknown) => void;
}

/**
 * The Writable a followed container log is piped into. It splits the body into lines
 * across chunk boundaries, and it notices a broken connection: `pipe()` forwards the end of
 * a body but not its errors, so the body is watched directly once it is piped in.
 */
export class LineStream extends Writable {
  private partial = '';
  private settled = false;
  // A character split across two chunks must not become two replacement characters.
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly events: LineStreamEvents) {
    super({ decodeStrings: false });
    this.on('pipe', (body: Readable) => {
      body.once('error', (error) => this.settle(error));
      // A body destroyed without an error or an end (an abort) leaves the stream open otherwise.
      body.once('close', () => {
        if (!body.readableEnded) this.settle(new Error('log stream closed before its end'));
      });
    });
    this.on('error', (error) => this.settle(error));
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    if (lines.length > 0) this.events.onLines(lines.map((line) => line.replace(/\r$/, '')));
    done();
  }

  override _final(done: () => void): void {
    const rest = this.partial + this.decoder.end();
    if (rest !== '') this.events.onLines([rest]);
    this.partial = '';
    this.settle();
    done();
  }

  private settle(error?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.events.onClose(error);
  }
}
