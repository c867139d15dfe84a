/*
 * A bare HTTP sink for prediction-log batches (bench/spool-replay.ts), in its own process: reads
 * each body, counts its records and answers like ingest ({accepted, rejected: []}), storing
 * nothing. It shows what the replaying worker does when ingest is not the bottleneck.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let received = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/count') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ received }));
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { records: unknown[] };
    received += body.records.length;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ accepted: body.records.length, rejected: [] }));
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.BENCH_SINK_PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
