// One "instance" for the multi-process store test: opens the database (running
// migrations, as every instance does at start), says "ready", and on a line on
// stdin claims every send key and lease it is told about at once, then prints
// the ones it won as JSON.
//   node --import tsx test/harness/postgres-racer.ts <DATABASE_URL> <keys> <leases>
import { createInterface } from 'node:readline';
import { openPostgres } from '../../bot/store/open-record-store.js';

const [url, keyCount, leaseCount] = process.argv.slice(2);
const holder = `racer-${process.pid}`;
const NOW = '2027-03-02T12:00:00.000Z';
const UNTIL = '2027-03-02T12:10:00.000Z';

const { store } = await openPostgres(url);
console.log('ready');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
const keys = Array.from({ length: Number(keyCount) }, (_, i) => `invite/inv-${i}/0/teams`);
const leases = Array.from({ length: Number(leaseCount) }, (_, i) => `digest-${i}`);
const [claimed, leased] = await Promise.all([
  Promise.all(keys.map((key) => store.claimSend({ key, channel: 'teams', target: 'chat', what: 'invite', holder, until: UNTIL }, NOW))),
  Promise.all(leases.map((name) => store.takeLease(name, holder, UNTIL, NOW))),
]);
console.log(JSON.stringify({ keys: keys.filter((_, i) => claimed[i]), leases: leases.filter((_, i) => leased[i]) }));
await store.close();
