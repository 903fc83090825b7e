// Partners put into a store and read back, for the tests of the lowdb files and their journal.
import type { Partner } from '../../bot/domain/types.js';
import type { RecordStore } from '../../bot/store/records.js';
import { allRecords } from './read-records.js';
import { partnerFixture } from './seed.js';

export const storedPartner = (id: string, overrides: Partial<Partner> = {}): Partner =>
  partnerFixture(id, { name: `Person ${id}`, organisation: 'Kunta', email: `${id}@example.fi`, ...overrides });

export const putPartner = (records: RecordStore, record: Partner) => records.transaction((tx) => tx.put('partners', record));

export const partnerIds = async (records: RecordStore) => (await allRecords(records, 'partners')).map((p) => p.id);
