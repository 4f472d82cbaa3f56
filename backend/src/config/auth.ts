import { ROLES } from '@gpt-runner-logs/contract';
import { z } from 'zod';
import { SOURCE_NAMES } from '../model/index.js';
import { jsonArray } from './env.js';

const tokenSchema = z.object({
  name: z.string().min(1),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'must be the hex SHA-256 of the token')
    .transform((hash) => hash.toLowerCase()),
  role: z.enum(ROLES),
  sources: z
    .array(z.enum(SOURCE_NAMES))
    .min(1)
    .default([...SOURCE_NAMES]),
});

export type TokenConfig = z.infer<typeof tokenSchema>;

export const authEnv = {
  AUTH_TOKENS: jsonArray(
    z.array(tokenSchema).min(1, 'must list at least one token'),
    'a JSON list of {name, sha256, role, sources}',
  ),
  CURSOR_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
};

type AuthEnv = z.infer<z.ZodObject<typeof authEnv>>;

export interface AuthConfig {
  tokens: TokenConfig[];
  /** Signs cursors; replicas must share it, so a random one only suits a single process. */
  cursorSecret?: string;
}

export const authConfig = (e: AuthEnv): AuthConfig => ({
  tokens: e.AUTH_TOKENS as TokenConfig[],
  cursorSecret: e.CURSOR_SECRET,
});
