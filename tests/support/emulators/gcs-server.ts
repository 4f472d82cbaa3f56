/**
 * Child-process entry for the Cloud Storage emulator (spawned by gcs.ts through tsx).
 *
 *   node --import tsx gcs-server.ts --project <id> --port <port> --blob-dir <dir>
 *        [--work-dir <dir>]
 *
 * Reports `{ ready: true, port }` or `{ error }` over IPC. It exits at once on SIGTERM,
 * which is what "the storage backend went away" looks like to a client, and when its
 * parent disconnects, so it never outlives a killed test worker; in that case it also
 * deletes `--work-dir`, since the dead parent cannot.
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EXIT_PORT_IN_USE, startGcsInProcess } from './gcs-inprocess.js';

interface ParentMessage {
  ready?: true;
  port?: number;
  error?: string;
}

function tell(message: ParentMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      project: { type: 'string' },
      port: { type: 'string' },
      'blob-dir': { type: 'string' },
      'work-dir': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!values.project || !values['blob-dir'] || !Number.isInteger(port)) {
    throw new Error('usage: gcs-server.ts --project <id> --port <port> --blob-dir <dir>');
  }
  const workDir = values['work-dir'];
  process.on('disconnect', () => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    process.exit(0);
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('uncaughtException', (error: NodeJS.ErrnoException) => {
    tell({ error: String(error) });
    process.exit(error.code === 'EADDRINUSE' ? EXIT_PORT_IN_USE : 1);
  });
  await startGcsInProcess({ projectId: values.project, port, blobDir: values['blob-dir'] });
  tell({ ready: true, port });
}

main().catch((error: unknown) => {
  tell({ error: String(error) });
  process.exit(1);
});
