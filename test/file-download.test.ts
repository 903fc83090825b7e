import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadError, downloadText, FILE_DOWNLOAD_INFO, sentFiles } from '../bot/teams/file-download.js';

const limits = { maxBytes: 1000, timeoutMs: 5000, allowHttp: true };

describe('files sent to the bot', () => {
  let server: Server;
  let base = '';
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/latin1.csv') return res.end(Buffer.from('Nimi;Sähköposti\nJänis;j@x.fi\n', 'latin1'));
      if (req.url === '/utf8-bom.csv') return res.end(Buffer.from('\uFEFFNimi;Sähköposti\n', 'utf8'));
      if (req.url === '/declared-big.csv') {
        res.writeHead(200, { 'Content-Length': '5000' });
        return res.end('x'.repeat(5000));
      }
      if (req.url === '/streamed-big.csv') {
        // No Content-Length: the size is only known while reading.
        res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
        for (let i = 0; i < 20; i++) res.write('y'.repeat(100));
        return res.end();
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('finds Teams file download attachments and ignores other attachments', () => {
    const files = sentFiles({
      attachments: [
        { contentType: 'text/html', content: '<p>here</p>' },
        { contentType: FILE_DOWNLOAD_INFO, name: 'Kumppanit.CSV', content: { downloadUrl: 'https://x/y', uniqueId: 'u1', fileType: 'CSV' } },
        { contentType: FILE_DOWNLOAD_INFO, name: 'broken.csv', content: { fileType: 'csv' } },
      ],
    });
    expect(files).toEqual([{ name: 'Kumppanit.CSV', fileType: 'csv', downloadUrl: 'https://x/y' }]);
  });

  it('reads UTF-8, with or without a BOM, and falls back to Windows-1252 as Excel saves it', async () => {
    expect(await downloadText(`${base}/latin1.csv`, limits)).toBe('Nimi;Sähköposti\nJänis;j@x.fi\n');
    expect(await downloadText(`${base}/utf8-bom.csv`, limits)).toBe('Nimi;Sähköposti\n');
  });

  it('refuses files over the limit, whether the size is declared or only found while reading', async () => {
    for (const path of ['/declared-big.csv', '/streamed-big.csv']) {
      const err = await downloadText(`${base}${path}`, limits).catch((e: unknown) => e);
      expect(err, path).toBeInstanceOf(DownloadError);
      expect((err as DownloadError).problem, path).toBe('too-large');
    }
  });

  it('refuses plain http unless allowed, without making the request', async () => {
    const before = hits.length;
    const err = await downloadText(`${base}/latin1.csv`, { ...limits, allowHttp: false }).catch((e: unknown) => e);
    expect((err as DownloadError).problem).toBe('not-allowed');
    expect(hits.length).toBe(before);
    expect(((await downloadText('file:///etc/passwd', limits).catch((e: unknown) => e)) as DownloadError).problem).toBe('not-allowed');
  });

  it('reports a failed download', async () => {
    const err = await downloadText(`${base}/missing.csv`, limits).catch((e: unknown) => e);
    expect((err as DownloadError).problem).toBe('failed');
  });
});
