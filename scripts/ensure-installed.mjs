// Runs before `npm run demo` and `npm test`: installs the locked dependencies when they are
// missing or older than package-lock.json, and builds the contract package every workspace
// imports (a second of tsc), so both commands work on a fresh clone and see its latest types.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import process from 'node:process';

const lock = 'package-lock.json';
const installed = 'node_modules/.package-lock.json';
const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  process.stdout.write('Installing the locked dependencies (npm ci)…\n');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}

execSync('npm run build:contract', { stdio: 'inherit' });
