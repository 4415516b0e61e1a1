/** Small helpers shared by the CLI commands. */
import { BlockList, isIP } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An error the user caused (bad arguments, refused configuration): printed without a stack trace. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** True for 127.0.0.0/8, ::1 (also written [::1]) and `localhost`; 0.0.0.0 and :: are not loopback. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost') return true;
  const family = isIP(h);
  if (family === 0) return false;
  return loopback.check(h, family === 4 ? 'ipv4' : 'ipv6');
}

/** Parses a non-negative integer option; throws CliError naming the option. */
export function parseInteger(value: string, option: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new CliError(`${option} must be a whole number, not ${JSON.stringify(value)}`);
  const n = Number(value);
  if (n < min || n > max) throw new CliError(`${option} must be between ${min} and ${max}`);
  return n;
}

/**
 * The package's root directory (where package.json and sample-repos/ are), found by walking up from
 * this module: works from src/ under tsx, from dist/ and from an installed package.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 10; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const parsed: unknown = JSON.parse(readFileSync(pkg, 'utf8'));
        if (typeof parsed === 'object' && parsed !== null && (parsed as { name?: unknown }).name === 'kalends') return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new CliError('cannot find the kalends package root (package.json)', 1);
}

export function packageVersion(): string {
  const parsed: unknown = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'));
  const v = typeof parsed === 'object' && parsed !== null ? (parsed as { version?: unknown }).version : undefined;
  return typeof v === 'string' ? v : 'unknown';
}
