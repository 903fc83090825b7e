// What a download token (/files/<token>) serves, by the kind of its link.
// Each kind has one resolver. `lang` is the ?lang= of the requested URL, if any.
import type { AppConfig } from '../config.js';
import type { RecordReader } from '../store/records.js';
import type { DownloadLink, Store } from '../store/store.js';
import { resolveAuditDownload } from './audit.js';
import type { Clock } from './clock.js';
import { resolveDigestDownload } from './digest.js';
import { resolveIcsDownload } from './invite-sync.js';
import { resolveExportDownload } from './privacy.js';

export interface FileDownload {
  contentType: string;
  fileName: string;
  body: string;
  /** Shown in the browser rather than saved. */
  inline?: boolean;
}

type Resolver = (store: Store, config: AppConfig, token: string, now: Date, lang?: string) => FileDownload | null | Promise<FileDownload | null>;

const RESOLVERS: Partial<Record<DownloadLink['kind'], Resolver>> = {
  'digest-html': resolveDigestDownload,
  'digest-csv': resolveDigestDownload,
  export: resolveExportDownload,
  'audit-csv': resolveAuditDownload,
};

/** The server's DownloadProvider: null for an unknown or expired token. */
export function createDownloadProvider(store: Store, config: AppConfig, clock: Clock, records: RecordReader): (token: string, lang?: string) => Promise<FileDownload | null> {
  return async (token, lang) => {
    const kind = store.readShared((d) => d.links.find((l) => l.id === token)?.kind);
    // TRANSITION (issue 12): the .ics resolver is on the RecordStore already; back into RESOLVERS when the others are.
    if (kind === 'ics') return resolveIcsDownload(records, config, token, clock());
    const resolve = kind && RESOLVERS[kind];
    return resolve ? resolve(store, config, token, clock(), lang) : null;
  };
}
