// Files a user sends the bot in a personal chat. Teams delivers them as a
// pre-authorised download link in a "file download info" attachment.
import type { Activity } from 'botbuilder';

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

export interface SentFile {
  name: string;
  /** The extension Teams reports, e.g. "csv". */
  fileType: string;
  downloadUrl: string;
}

export function sentFiles(activity: Partial<Activity>): SentFile[] {
  return (activity.attachments ?? []).flatMap((a) => {
    const content = a.content as { downloadUrl?: unknown; fileType?: unknown } | undefined;
    if (a.contentType !== FILE_DOWNLOAD_INFO || typeof content?.downloadUrl !== 'string') return [];
    return [{ name: a.name ?? '', fileType: String(content.fileType ?? '').toLowerCase(), downloadUrl: content.downloadUrl }];
  });
}

export type DownloadProblem = 'too-large' | 'not-allowed' | 'failed';

export class DownloadError extends Error {
  constructor(
    readonly problem: DownloadProblem,
    detail: string,
  ) {
    super(`file download ${problem}: ${detail}`);
    this.name = 'DownloadError';
  }
}

export interface DownloadLimits {
  maxBytes: number;
  timeoutMs: number;
  /** Local mode (tests, Emulator): loopback hosts too, over http as well. */
  allowLoopback: boolean;
}

/**
 * Where Teams keeps a file sent to a bot: the downloadUrl of a file download
 * info attachment is a pre-authorised link to the sender's OneDrive or the
 * team's SharePoint, in the public cloud or a sovereign one. Nothing else is
 * fetched, so a crafted attachment cannot make Sidos request an internal address.
 */
const TEAMS_FILE_HOST_SUFFIXES = ['.sharepoint.com', '.sharepoint.us', '.sharepoint-mil.us', '.sharepoint.cn'];
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const MAX_REDIRECTS = 5;

/** Why `url` may not be fetched, or null when it may. */
export function downloadRefusal(url: URL, limits: DownloadLimits): string | null {
  const host = url.hostname.toLowerCase();
  if (limits.allowLoopback && LOOPBACK_HOSTS.has(host) && (url.protocol === 'http:' || url.protocol === 'https:')) return null;
  if (url.protocol !== 'https:') return `protocol ${url.protocol}`;
  if (url.port !== '' || !TEAMS_FILE_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix))) return `host ${url.host}`;
  return null;
}

/** Fetches `url`, following redirects only while they stay on allowed hosts. */
async function fetchAllowed(url: URL, limits: DownloadLimits, signal: AbortSignal): Promise<Response> {
  for (let redirects = 0; ; redirects++) {
    const problem = downloadRefusal(url, limits);
    if (problem) throw new DownloadError('not-allowed', redirects ? `redirected to ${problem}` : problem);
    let response: Response;
    try {
      response = await fetch(url, { signal, redirect: 'manual' });
    } catch (err) {
      throw new DownloadError('failed', (err as Error).message);
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || location === null) return response;
    await response.body?.cancel();
    if (redirects === MAX_REDIRECTS) throw new DownloadError('failed', 'too many redirects');
    try {
      url = new URL(location, url);
    } catch {
      throw new DownloadError('failed', 'a redirect to something that is not a URL');
    }
  }
}

/** UTF-8 (with or without BOM); anything else is read as Windows-1252, which is what Excel saves in Finland. */
function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** Downloads a sent file as text, refusing more than maxBytes without reading further. */
export async function downloadText(url: string, limits: DownloadLimits): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DownloadError('not-allowed', 'not a URL');
  }
  const response = await fetchAllowed(parsed, limits, AbortSignal.timeout(limits.timeoutMs));
  if (!response.ok || !response.body) throw new DownloadError('failed', `status ${response.status}`);
  if (Number(response.headers.get('content-length') ?? 0) > limits.maxBytes) {
    await response.body.cancel();
    throw new DownloadError('too-large', `content-length ${response.headers.get('content-length')}`);
  }

  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      // Leaving the loop cancels the rest of the download.
      if (size > limits.maxBytes) throw new DownloadError('too-large', `more than ${limits.maxBytes} bytes`);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof DownloadError) throw err;
    throw new DownloadError('failed', (err as Error).message);
  }
  return decode(Buffer.concat(chunks));
}
