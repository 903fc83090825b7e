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
  /** Plain http is only for local mode (tests, Emulator); Teams links are https. */
  allowHttp: boolean;
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
  const protocols = limits.allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!protocols.includes(parsed.protocol)) throw new DownloadError('not-allowed', `protocol ${parsed.protocol}`);

  const signal = AbortSignal.timeout(limits.timeoutMs);
  let response: Response;
  try {
    response = await fetch(parsed, { signal, redirect: 'follow' });
  } catch (err) {
    throw new DownloadError('failed', (err as Error).message);
  }
  const finalProtocol = new URL(response.url || parsed.href).protocol;
  if (!protocols.includes(finalProtocol)) throw new DownloadError('not-allowed', `redirected to ${finalProtocol}`);
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
