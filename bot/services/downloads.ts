// What a download token (/files/<token>) serves, by the kind of its link.
// Each kind has one resolver. `lang` is the ?lang= of the requested URL, if any.
import type { AppConfig } from '../config.js';
import type { BotDeps } from '../deps.js';
import type { RecordStore } from '../store/records.js';
import type { DownloadLink } from '../store/store.js';
import { resolveAuditDownload } from './audit.js';
import { resolveDigestDownload } from './digest.js';
import { resolveIcsDownload } from './invite-sync.js';
import { resolveExportDownload } from './privacy-export.js';

export interface FileDownload {
  contentType: string;
  fileName: string;
  body: string;
  /** Shown in the browser rather than saved. */
  inline?: boolean;
}

type Resolver = (reader: RecordStore, config: AppConfig, token: string, now: Date, lang?: string) => FileDownload | null | Promise<FileDownload | null>;

/** The server's DownloadProvider: null for an unknown or expired token. */
export function createDownloadProvider(deps: Pick<BotDeps, 'records' | 'config' | 'clock'>): (token: string, lang?: string) => Promise<FileDownload | null> {
  const resolvers: Partial<Record<DownloadLink['kind'], Resolver>> = {
    ics: resolveIcsDownload,
    'digest-html': resolveDigestDownload,
    'digest-csv': resolveDigestDownload,
    export: resolveExportDownload,
    'audit-csv': (reader, _config, token, now) => resolveAuditDownload(reader, token, now),
  };
  return async (token, lang) => {
    const kind = (await deps.records.get('links', token))?.kind;
    const resolve = kind && resolvers[kind];
    return resolve ? resolve(deps.records, deps.config, token, deps.clock(), lang) : null;
  };
}
