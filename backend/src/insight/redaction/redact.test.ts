import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTION_TYPES, redactionMarker, type RedactionType } from './index.js';
import { ALNUM, UPPER_DIGITS, URLSAFE, base64url, fake } from '../secrets.fixture.js';

// Every credential below is generated at run time, so the repository never stores anything a
// secret scanner (or a reader) could take for a live key.

const openaiLegacy = `sk-${fake(ALNUM, 48, 1)}`;
const openaiProject = `sk-proj-${fake(URLSAFE, 156, 2)}`;
const googleKey = `AIza${fake(URLSAFE, 35, 3)}`;
const googleOauth = `ya29.${fake(URLSAFE, 120, 4)}`;
const awsKey = `AKIA${fake(UPPER_DIGITS, 16, 5)}`;
const awsSecret = fake(`${ALNUM}/+`, 40, 6);
const slackBot = `xoxb-${fake('0123456789', 12, 7)}-${fake('0123456789', 13, 8)}-${fake(ALNUM, 24, 9)}`;
const slackUser = `xoxp-${fake('0123456789', 12, 10)}-${fake('0123456789', 12, 11)}-${fake(ALNUM, 32, 12)}`;
const slackHookPath = `T${fake(UPPER_DIGITS, 8, 13)}/B${fake(UPPER_DIGITS, 10, 14)}/${fake(ALNUM, 24, 15)}`;
const jwt = [
  base64url({ alg: 'RS256', typ: 'JWT', kid: fake(ALNUM, 12, 16) }),
  base64url({ sub: '1234567890', iss: 'https://accounts.google.com', exp: 1767225600 }),
  fake(URLSAFE, 342, 17),
].join('.');
const opaqueBearer = fake(URLSAFE, 40, 18);
const password = `Tr0ub4dor&3${fake(ALNUM, 6, 19)}`;
const basicCredentials = Buffer.from(`svc-logs:${password}`).toString('base64');

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs8Pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pkcs1Pem = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const ecPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .privateKey.export({ type: 'sec1', format: 'pem' })
  .toString();
const encryptedPem = rsa.privateKey
  .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'not-in-logs' })
  .toString();
/** The base64 body of a PEM: what must never survive, whatever the framing. */
const pemBody = (pem: string): string[] =>
  pem.split('\n').filter((line) => line && !line.startsWith('-----'));

const privateKeyId = fake('0123456789abcdef', 40, 20);
const serviceAccount = {
  type: 'service_account',
  project_id: 'gpt-runner-prod',
  private_key_id: privateKeyId,
  private_key: pkcs8Pem,
  client_email: 'log-reader@gpt-runner-prod.iam.gserviceaccount.com',
  client_id: '104729871234567890123',
  token_uri: 'https://oauth2.googleapis.com/token',
};

interface SecretCase {
  name: string;
  line: string;
  secrets: string[];
  markers: RedactionType[];
  /** The line is JSON and must still parse after redaction. */
  json?: boolean;
}

const jsonLine = (payload: Record<string, unknown>): string =>
  JSON.stringify({ timestamp: '2025-03-14T09:26:53.589793238Z', severity: 'ERROR', ...payload });

const SECRET_CASES: SecretCase[] = [
  {
    name: 'OpenAI legacy key in an env dump',
    line: `2025-03-14T09:26:53Z worker-7 env OPENAI_BASE=https://api.openai.com KEY ${openaiLegacy} loaded`,
    secrets: [openaiLegacy],
    markers: ['openai_key'],
  },
  {
    name: 'OpenAI project key under an api_key name keeps the precise marker',
    line: `config loaded: OPENAI_API_KEY=${openaiProject} model=gpt-4o-mini`,
    secrets: [openaiProject],
    markers: ['openai_key'],
  },
  {
    name: 'OpenAI key in a JSON error payload',
    line: jsonLine({ message: 'openai request failed', apiKeyUsed: openaiProject, status: 401 }),
    secrets: [openaiProject],
    markers: ['openai_key'],
    json: true,
  },
  {
    name: 'Google API key in a query string',
    line: `GET https://maps.googleapis.com/maps/api/geocode/json?address=Paris&key=${googleKey} 200 83ms`,
    secrets: [googleKey],
    markers: ['google_api_key'],
  },
  {
    name: 'Google OAuth access token outside a header',
    line: `gcs client refreshed credentials token=${googleOauth} expires_in=3599`,
    secrets: [googleOauth],
    markers: ['google_oauth_token'],
  },
  {
    name: 'Authorization header with a bearer JWT',
    line: `> GET /v1/logs HTTP/1.1\n> Host: logs.internal\n> Authorization: Bearer ${jwt}\n> Accept: */*`,
    secrets: [jwt],
    markers: ['bearer_token'],
  },
  {
    name: 'Authorization header inside a JSON request dump',
    line: jsonLine({ req: { method: 'POST', headers: { authorization: `Bearer ${opaqueBearer}` } } }),
    secrets: [opaqueBearer],
    markers: ['bearer_token'],
    json: true,
  },
  {
    name: 'short bearer token inside an Authorization header',
    line: 'curl -H "Authorization: Bearer dev-token-1" http://127.0.0.1:8080/api',
    secrets: ['dev-token-1'],
    markers: ['bearer_token'],
  },
  {
    name: 'bare Bearer credential in prose',
    line: `upstream rejected Bearer ${opaqueBearer} (expired)`,
    secrets: [opaqueBearer],
    markers: ['bearer_token'],
  },
  {
    name: 'Basic credentials in an Authorization header',
    line: `proxy: Authorization: Basic ${basicCredentials}`,
    secrets: [basicCredentials],
    markers: ['basic_auth'],
  },
  {
    name: 'bare JWT in a text line',
    line: `auth ok sub=1234567890 id_jwt ${jwt} session=abc`,
    secrets: [jwt],
    markers: ['jwt'],
  },
  {
    name: 'JWT under a token key in JSON',
    line: jsonLine({ event: 'login', id_token: jwt }),
    secrets: [jwt],
    markers: ['jwt'],
    json: true,
  },
  {
    name: 'PKCS#8 PEM block spread over several lines',
    line: `Loaded signing key:\n${pkcs8Pem}done`,
    secrets: pemBody(pkcs8Pem),
    markers: ['private_key'],
  },
  {
    name: 'PKCS#1 RSA PEM block',
    line: `ssl: using key\n${pkcs1Pem}`,
    secrets: pemBody(pkcs1Pem),
    markers: ['private_key'],
  },
  {
    name: 'EC PEM block',
    line: `tls: ${ecPem}`,
    secrets: pemBody(ecPem),
    markers: ['private_key'],
  },
  {
    name: 'encrypted PEM block',
    line: encryptedPem,
    secrets: pemBody(encryptedPem),
    markers: ['private_key'],
  },
  {
    name: 'PEM block cut short by a truncated log line',
    line: `key material: ${pkcs8Pem.slice(0, 300)}`,
    secrets: pemBody(pkcs8Pem.slice(0, 300)),
    markers: ['private_key'],
  },
  {
    name: 'GCP service-account JSON logged as a structured payload',
    line: jsonLine({ message: 'credentials loaded', credentials: serviceAccount }),
    secrets: [privateKeyId, ...pemBody(pkcs8Pem)],
    markers: ['private_key_id', 'private_key'],
    json: true,
  },
  {
    name: 'GCP service-account JSON escaped inside a string',
    line: jsonLine({ message: `GOOGLE_CREDENTIALS=${JSON.stringify(serviceAccount)}` }),
    secrets: [privateKeyId, ...pemBody(pkcs8Pem)],
    markers: ['private_key_id', 'private_key'],
    json: true,
  },
  {
    name: 'GCP service-account JSON escaped twice',
    line: jsonLine({ message: JSON.stringify({ body: JSON.stringify(serviceAccount) }) }),
    secrets: [privateKeyId, ...pemBody(pkcs8Pem)],
    markers: ['private_key_id', 'private_key'],
    json: true,
  },
  {
    name: 'password in a database URL',
    line: `connecting to postgres://logs_app:${password}@10.12.0.5:5432/logs?sslmode=require`,
    secrets: [password],
    markers: ['url_password'],
  },
  {
    name: 'password holding an @ in a redis URL with an empty user',
    line: 'redis://:p@ss@w0rd@redis-master.cache.svc:6379/0 connected',
    secrets: ['p@ss@w0rd'],
    markers: ['url_password'],
  },
  {
    name: 'password key=value in logfmt',
    line: `level=warn msg="retrying login" user=svc-logs password=${password} attempt=3`,
    secrets: [password],
    markers: ['password'],
  },
  {
    name: 'pwd and passwd in a query string',
    line: '/legacy/login?user=admin&pwd=hunter22&passwd=letmein99&next=%2F',
    secrets: ['hunter22', 'letmein99'],
    markers: ['password'],
  },
  {
    name: 'password in JSON',
    line: jsonLine({ msg: 'user created', user: { name: 'ana', password: password } }),
    secrets: [password],
    markers: ['password'],
    json: true,
  },
  {
    name: 'password with an escaped quote in JSON',
    line: jsonLine({ password: 'ab"cd\\ef' }),
    secrets: ['ab\\"cd'],
    markers: ['password'],
    json: true,
  },
  {
    name: 'YAML-ish config dump',
    line: `database:\n  host: db.internal\n  password: ${password}\n  pool: 10`,
    secrets: [password],
    markers: ['password'],
  },
  {
    name: 'Node object dump with unquoted keys',
    line: `{ user: 'svc', password: '${password}', retries: 3 }`,
    secrets: [password],
    markers: ['password'],
  },
  {
    name: 'Python dict repr',
    line: `kwargs={'client_id': 'abc', 'client_secret': 'd8e8fca2dc0f896fd7cb4cb0031ba249'}`,
    secrets: ['d8e8fca2dc0f896fd7cb4cb0031ba249'],
    markers: ['secret'],
  },
  {
    name: 'secret, token, api_key, apikey and access_token in one query string',
    line: 'GET /hook?secret=s3cr3tval&token=tok3nval&api_key=k3yval1&apikey=k3yval2&access_token=acc3ss 200',
    secrets: ['s3cr3tval', 'tok3nval', 'k3yval1', 'k3yval2', 'acc3ss'],
    markers: ['secret', 'token', 'api_key'],
  },
  {
    name: 'camelCase and header-style names',
    line: jsonLine({ clientSecret: 'cs-8731', 'x-api-key': 'xk-5521', accessToken: 'at-9912' }),
    secrets: ['cs-8731', 'xk-5521', 'at-9912'],
    markers: ['secret', 'api_key', 'token'],
    json: true,
  },
  {
    name: 'HTTP header dump line',
    line: 'X-Api-Key: 3f9a8c7e2b1d4f6a',
    secrets: ['3f9a8c7e2b1d4f6a'],
    markers: ['api_key'],
  },
  {
    name: 'AWS access key id and secret access key',
    line: `aws configure: aws_access_key_id=${awsKey} aws_secret_access_key=${awsSecret} region=eu-west-1`,
    secrets: [awsKey, awsSecret],
    markers: ['aws_access_key', 'secret'],
  },
  {
    name: 'Slack bot and user tokens',
    line: `slack: posting with ${slackBot} (fallback ${slackUser})`,
    secrets: [slackBot, slackUser],
    markers: ['slack_token'],
  },
  {
    name: 'Slack webhook URL',
    line: jsonLine({ alert: 'disk full', webhook: `https://hooks.slack.com/services/${slackHookPath}` }),
    secrets: [slackHookPath],
    markers: ['slack_webhook'],
    json: true,
  },
];

/** Lines an SRE reads every day: none of them may change. */
const INNOCENT_LINES = [
  '2025-03-14T09:26:53.589793238Z INFO request completed in 83ms',
  '[2025-03-14 09:26:53,589] WARN  pool-3-thread-7 c.g.r.Worker - retry 2/5 after 1500ms',
  'trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 sampled=1',
  'request 123e4567-e89b-12d3-a456-426614174000 finished status=200',
  'deployed commit 9fceb02d0ae598e95dc970b74767f19372d61af8 (9fceb02) to prod',
  'image gcr.io/gpt-runner/backend@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
  'invoice total=$1,299.99 tax=€12.50 discount=-5%',
  'openai usage: prompt_tokens=1234 completion_tokens=321 total_tokens=1555',
  'tokens=1234 max_tokens=4096 token_count=12 tokenizer=o200k_base',
  'token count=12 for chunk 3',
  '{"usage":{"prompt_tokens":812,"completion_tokens":96,"total_tokens":908},"model":"gpt-4o-mini"}',
  'Failed to reset password: user not found',
  'password reset requested for user 42',
  'Invalid token: signature mismatch',
  'Bearer token missing from request',
  'WWW-Authenticate: Bearer realm="logs", error="invalid_token"',
  'authorization failed for user ana (403)',
  'volume mount: secretName: db-credentials, secretKeyRef: {name: db, key: password}',
  '{"token_type":"Bearer","expires_in":3599,"scope":"openid email"}',
  '{"password":null,"token":"","apiKey":"********","secret":"<redacted>"}',
  'password=${DB_PASSWORD} loaded from env',
  'GET /storage/v1/b/logs/o?pageToken=CgwI2LqAmQYQ8LHl5AE&maxResults=1000 200',
  '{"nextPageToken":"CiAKGjBpNDd2Nmp2Zml2cXRidDF1NnRjbW5hZwAQAQ"}',
  'PWD=/home/app SHLVL=1 HOME=/root',
  'passwordHash=true password_policy=strict password_min_length=12',
  'ssh://git@github.com/gpt-runner/backend.git fetched',
  'postgres://logs_app@10.12.0.5:5432/logs connected',
  'http://[::1]:8080/healthz ok, https://example.com:8443/path?q=1',
  'pod sk-worker-5d8f7b9c4-x2x7q restarted (disk-usage 91%, task-1234)',
  'pubsub data eyJldmVudCI6InVwbG9hZCIsInNpemUiOjEyM30= acked',
  'AKIA is the prefix of an access key id; ASIA is the temporary one',
  'contact sre@example.com for access',
  'at Object.<anonymous> (/app/dist/insight/summarize.js:42:17)',
  'kube-system/coredns-7db6d8ff4d-9r5pw: [INFO] 10.8.0.1:53 - 1234 "A IN api.openai.com. udp"',
  'user: ana, role: admin, region: eu-west-1',
  '',
];

const redactor = createRedactor({});

describe('redactText: secrets', () => {
  it.each(SECRET_CASES)('$name', ({ line, secrets, markers, json }) => {
    const out = redactor.redactText(line);
    for (const secret of secrets) expect(out).not.toContain(secret);
    for (const type of markers) expect(out).toContain(redactionMarker(type));
    if (json) expect(() => JSON.parse(out) as unknown).not.toThrow();
  });

  it('keeps the user and the host of a URL whose password it removes', () => {
    expect(redactor.redactText(`mysql://root:${password}@db.internal:3306/app`)).toBe(
      'mysql://root:[REDACTED:url_password]@db.internal:3306/app',
    );
  });

  it('keeps the scheme of an Authorization header', () => {
    expect(redactor.redactText(`Authorization: Basic ${basicCredentials}`)).toBe(
      'Authorization: Basic [REDACTED:basic_auth]',
    );
    expect(redactor.redactText(`authorization: bearer ${opaqueBearer}`)).toBe(
      'authorization: bearer [REDACTED:bearer_token]',
    );
  });

  it('counts what it removed, by type', () => {
    const result = redactor.redactTextWithStats(
      `password=${password} token=abc123 ${openaiLegacy} ${awsKey} ${awsKey}`,
    );
    expect(result.counts).toEqual({ password: 1, token: 1, openai_key: 1, aws_access_key: 2 });
    expect(result.total).toBe(5);
    expect(redactor.redactTextWithStats('nothing here')).toEqual({
      text: 'nothing here',
      counts: {},
      total: 0,
    });
  });

  it('exports one marker per type', () => {
    expect(new Set(REDACTION_TYPES).size).toBe(REDACTION_TYPES.length);
    expect(redactionMarker('jwt')).toBe('[REDACTED:jwt]');
  });
});

describe('redactText: ordinary log content', () => {
  it.each(INNOCENT_LINES.map((line) => [line]))('leaves %j unchanged', (line) => {
    expect(redactor.redactText(line)).toBe(line);
  });
});

describe('e-mail addresses', () => {
  const line = 'invite sent to ana.lopez+logs@example.co.uk by sre@gpt-runner.dev';

  it('are kept by default', () => {
    expect(redactor.redactText(line)).toBe(line);
  });

  it('are redacted when asked for', () => {
    expect(createRedactor({ emails: true }).redactText(line)).toBe(
      'invite sent to [REDACTED:email] by [REDACTED:email]',
    );
  });
});

describe('redactValue', () => {
  it('redacts strings deeply and secret-named keys whatever their value', () => {
    const input = {
      message: `calling OpenAI with ${openaiLegacy}`,
      labels: { pod: 'worker-1', namespace: 'prod' },
      headers: { Authorization: `Bearer ${opaqueBearer}`, 'X-Api-Key': 12345, accept: 'application/json' },
      db: { user: 'app', password: { value: 'nested', rotation: 3 } },
      lines: ['ok', `token=${opaqueBearer}`],
      usage: { prompt_tokens: 10, max_tokens: 256, tokens: 266 },
      apiKey: null,
      pageToken: 'CgwI2LqA',
      PWD: '/srv/app',
    };
    expect(redactor.redactValue(input)).toEqual({
      message: 'calling OpenAI with [REDACTED:openai_key]',
      labels: { pod: 'worker-1', namespace: 'prod' },
      headers: {
        Authorization: 'Bearer [REDACTED:bearer_token]',
        'X-Api-Key': '[REDACTED:api_key]',
        accept: 'application/json',
      },
      db: { user: 'app', password: '[REDACTED:password]' },
      lines: ['ok', 'token=[REDACTED:token]'],
      usage: { prompt_tokens: 10, max_tokens: 256, tokens: 266 },
      apiKey: null,
      pageToken: 'CgwI2LqA',
      PWD: '/srv/app',
    });
  });

  it('does not modify its input and keeps shared and cyclic references', () => {
    const shared = { token: 'abc123' };
    const input: Record<string, unknown> = { a: shared, b: shared };
    input.self = input;
    const out = redactor.redactValue(input);
    expect(shared.token).toBe('abc123');
    expect(out.a).toBe(out.b);
    expect(out.self).toBe(out);
    expect(out.a).toEqual({ token: '[REDACTED:token]' });
  });

  it('walks Maps and Sets, passes other objects through, keeps __proto__ a plain field', () => {
    const when = new Date(0);
    const map = new Map<string, unknown>([
      ['client_secret', 'x1'],
      ['note', `key ${googleKey}`],
    ]);
    const parsed = JSON.parse('{"__proto__": {"password": "p4ss"}}') as unknown;
    const out = redactor.redactValue({ map, set: new Set([awsKey]), when, parsed });
    expect(out.map.get('client_secret')).toBe('[REDACTED:secret]');
    expect(out.map.get('note')).toBe('key [REDACTED:google_api_key]');
    expect([...out.set]).toEqual(['[REDACTED:aws_access_key]']);
    expect(out.when).toBe(when);
    expect(Object.getPrototypeOf(out.parsed)).toBe(Object.prototype);
    expect(JSON.stringify(out.parsed)).toBe('{"__proto__":{"password":"[REDACTED:password]"}}');
  });
});

describe('performance on adversarial input', () => {
  const MB = 1 << 20;
  const fill = (unit: string, size = MB): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  const emails = createRedactor({ emails: true });
  /** Best of a few runs: the limits are about algorithmic blow-up, not a busy machine's jitter. */
  const best = (text: string, runs = 3): number =>
    Math.min(
      ...Array.from({ length: runs }, () => {
        const started = performance.now();
        emails.redactText(text);
        return performance.now() - started;
      }),
    );

  // Near misses that make a careless pattern rescan the rest of the line at every position.
  const NEAR_MISSES: Record<string, string> = {
    letters: fill('a'),
    backslashes: fill('\\'),
    quotes: fill('"'),
    'sk- prefixes': fill('sk-'),
    'sk- then letters': `sk-${fill('a')}`,
    'JWT heads without dots': fill('eyJ'),
    'BEGIN without END': fill('-----BEGIN PRIVATE KEY-----'),
    'PEM body without END': `-----BEGIN PRIVATE KEY-----${fill('A')}`,
    dashes: fill('-'),
    'open JSON secret values': fill('"private_key": "'),
    'escaped JSON secret values': fill('\\"password\\": \\"'),
    'URL userinfo without @': `a://b:${fill('c')}`,
    'URL userinfo with only @': `a://b:${fill('@')}`,
    'key=value runs': fill('password='),
    'keys without values': fill('password'),
    'dotted identifiers': fill('a.password.'),
    'Bearer words': fill('Bearer '),
    'e-mail near misses': `x@${fill('a.')}`,
    'at signs': fill('a@'),
    'slack hooks': fill('hooks.slack.com/services/'),
  };

  it.each(Object.keys(NEAR_MISSES).map((name) => [name]))('%s: 1 MB in < 200 ms', (name) => {
    expect(best(NEAR_MISSES[name] ?? '')).toBeLessThan(200);
  });

  // Lines that are nothing but secrets (some 90 000 replacements per MB) measure throughput,
  // which a loaded machine skews: check the growth instead. Eight times the input costs about
  // eight times the time when linear, sixty-four times when quadratic. The two sizes are timed
  // in turn, so a burst of load on a shared machine falls on both rather than on one.
  const DENSE: Record<string, string> = {
    'key: value lines': 'password: x\n',
    'Authorization headers': 'Authorization: Bearer ',
    'Basic headers': 'Authorization: Basic ',
    'JWT segments': 'eyJhbGciOiJ.',
    'quoted values': 'password="',
  };

  it.each(Object.keys(DENSE).map((name) => [name]))('%s: linear in the input size', (name) => {
    const unit = DENSE[name] ?? '';
    const small = fill(unit, MB / 8);
    const large = fill(unit);
    let eighth = Infinity;
    let whole = Infinity;
    for (let run = 0; run < 7; run += 1) {
      eighth = Math.min(eighth, best(small, 1));
      whole = Math.min(whole, best(large, 1));
    }
    expect(whole).toBeLessThan(1000);
    expect(whole / Math.max(eighth, 1)).toBeLessThan(24);
  });
});

describe('properties', () => {
  const SECRET_FRAGMENTS = [
    openaiLegacy,
    googleKey,
    awsKey,
    slackBot,
    jwt,
    pkcs8Pem,
    `Bearer ${opaqueBearer}`,
    'Authorization: ',
    'password=',
    '"password": "',
    "secret: '",
    'token=',
    'api_key:',
    'postgres://u:',
    '@host/db',
    '\\"',
    '"',
    "'",
    '\n',
    ' ',
    '=',
    ':',
    '[REDACTED:token]',
    '-----END PRIVATE KEY-----',
  ];
  const mixed = fc
    .array(fc.oneof(fc.constantFrom(...SECRET_FRAGMENTS), fc.string({ maxLength: 12 })), { maxLength: 12 })
    .map((parts) => parts.join(''));

  it('redactText is idempotent', () => {
    fc.assert(
      fc.property(mixed, (text) => {
        const once = redactor.redactText(text);
        expect(redactor.redactText(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  const hex = (length: number) =>
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
  const innocentToken = fc.oneof(
    fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    fc.uuid(),
    hex(40),
    hex(16),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => `$${n.toFixed(2)}`),
    fc.integer({ min: 0 }).map((n) => `tokens=${n}`),
    fc.integer({ min: 0 }).map((n) => `prompt_tokens: ${n}`),
    fc.constantFrom(
      'INFO',
      'WARN',
      'ERROR',
      'GET',
      '/v1/logs',
      'status=200',
      'pod=worker-1',
      'token',
      'password',
    ),
    fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 1, maxLength: 10 }),
  );
  const separator = fc.constantFrom(' ', ', ', ' | ', '\t');
  const innocentLine = fc
    .array(fc.tuple(innocentToken, separator), { maxLength: 16 })
    .map((pairs) => pairs.map(([token, sep]) => token + sep).join(''));

  it('never changes, so never lengthens, a line without secrets', () => {
    fc.assert(
      fc.property(innocentLine, (line) => {
        const out = redactor.redactText(line);
        expect(out.length).toBeLessThanOrEqual(line.length);
        expect(out).toBe(line);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps JSON valid, even when JSON is escaped inside JSON', () => {
    const key = fc.constantFrom(
      'password',
      'apiKey',
      'client_secret',
      'token',
      'message',
      'note',
      'private_key',
    );
    const value = fc.oneof(mixed, fc.integer(), fc.constant(null));
    const record = fc.dictionary(key, value, { maxKeys: 5 });
    fc.assert(
      fc.property(record, (payload) => {
        const once = JSON.stringify(payload);
        const twice = JSON.stringify({ message: once });
        expect(() => JSON.parse(redactor.redactText(once)) as unknown).not.toThrow();
        expect(() => JSON.parse(redactor.redactText(twice)) as unknown).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
