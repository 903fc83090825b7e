// Who holds a send claim or a job lease. Each sender and scheduler makes its
// own id when it is built (host, process and a random part), so two Sidos
// instances, a restarted one, or two senders built in one test process are
// never mistaken for each other: a claim of a holder that died lapses instead.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export function newHolderId(): string {
  return `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}
