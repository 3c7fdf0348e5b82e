import { createServer } from 'node:http';
import { createLogger } from '../storage/logger.js';
import { parseSettings } from '../cli/settings.js';
import { startEvaluator } from '../evaluator/server.js';
import { redisSource } from '../provider/redis-source.js';
import { SwitchyardProvider } from '../provider/switchyard-provider.js';

/**
 * A server for the HTTP benchmarks, run in a child process so it does not share an event loop
 * with the load generator. `evaluator`: the real evaluator, configured from the environment
 * (REDIS_PREFIX, …). `bare`: node:http answering BENCH_BODY to every request once its body is read.
 * `provider`: the in-process SwitchyardProvider over a Redis source (REDIS_URL, REDIS_PREFIX,
 * production), answering `POST /ofrep/v1/evaluate/flags/{key}` with `provider.resolve()` of the
 * body's context, so a benchmark can ask it what it serves as it asks the evaluator.
 * Reports `{ url }` to the parent over IPC, and stops on SIGTERM.
 */
const mode = process.argv[2];
const send = (message: unknown) => process.send?.(message);

if (mode === 'evaluator') {
  const parsed = parseSettings({
    ...process.env,
    EVALUATOR_PORT: '0',
    EVALUATOR_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  if (!parsed.ok) throw new Error(parsed.message);
  const evaluator = await startEvaluator(parsed.settings, { log: createLogger('silent') });
  await evaluator.loaded;
  process.on('SIGTERM', () => void evaluator.close().finally(() => process.exit(0)));
  send({ url: evaluator.url });
} else if (mode === 'provider') {
  const provider = new SwitchyardProvider(
    redisSource({ url: process.env.REDIS_URL, prefix: process.env.REDIS_PREFIX, env: 'production' }),
    { logger: { warn: () => undefined, info: () => undefined } },
  );
  await provider.initialize();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const key = decodeURIComponent((request.url ?? '').split('/').pop() ?? '');
      const { context } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        context?: Record<string, never>;
      };
      const { value, reason, variant } = provider.resolve(key, false, context ?? {}, 'boolean');
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ key, value, variant, reason }));
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('provider server has no port');
    send({ url: `http://127.0.0.1:${address.port}` });
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => void provider.onClose().finally(() => process.exit(0)));
  });
} else if (mode === 'bare') {
  const body = process.env.BENCH_BODY ?? '{}';
  const length = String(Buffer.byteLength(body));
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': length });
      response.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('bare server has no port');
    send({ url: `http://127.0.0.1:${address.port}` });
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
} else {
  throw new Error(`server-process: mode must be "evaluator", "provider" or "bare" (got ${JSON.stringify(mode)})`);
}
