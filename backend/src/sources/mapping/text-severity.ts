import { normalizeSeverity, type Severity } from '../../model/index.js';

// Shared by pod lines and GCS text objects: both are plain text whose writer printed its level.
const LEVEL_WORD =
  /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|CRITICAL|CRIT|FATAL|PANIC|ALERT|EMERG|EMERGENCY)\b/;
const LEVEL_PAIR = /\b(?:level|lvl|severity)=["']?(\w+)/i;
const GLOG_PREFIX = /^([IWEF])\d{4} \d{2}:\d{2}:\d{2}/;

/** The level a plain-text line announces in its first words, as loggers print it. */
export function textSeverity(text: string): Severity {
  const head = text.slice(0, 120);
  const pair = LEVEL_PAIR.exec(head);
  if (pair?.[1]) return normalizeSeverity(pair[1]);
  const glog = GLOG_PREFIX.exec(head);
  if (glog?.[1]) return normalizeSeverity(glog[1]);
  const word = LEVEL_WORD.exec(head);
  return word?.[1] ? normalizeSeverity(word[1]) : 'DEFAULT';
}
