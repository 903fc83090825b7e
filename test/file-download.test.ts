import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadError, downloadRefusal, downloadText, FILE_DOWNLOAD_INFO, sentFiles } from '../bot/teams/file-download.js';

const limits = { maxBytes: 1000, timeoutMs: 5000, allowLoopback: true };
const authenticated = { ...limits, allowLoopback: false };

describe('files sent to the bot', () => {
  let server: Server;
  let base = '';
  const hits: string[] = [];
  // A server outside the allowed hosts (127.0.0.2 is loopback, but not one local mode allows).
  let outside: Server;
  let outsideBase = '';
  const outsideHits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/latin1.csv') return res.end(Buffer.from('Nimi;Sähköposti\nJänis;j@x.fi\n', 'latin1'));
      if (req.url === '/utf8-bom.csv') return res.end(Buffer.from('\uFEFFNimi;Sähköposti\n', 'utf8'));
      if (req.url === '/redirect-home') {
        res.writeHead(302, { Location: '/utf8-bom.csv' });
        return res.end();
      }
      if (req.url === '/redirect-away') {
        res.writeHead(302, { Location: `${outsideBase}/secret.csv` });
        return res.end();
      }
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
    outside = createServer((req, res) => {
      outsideHits.push(req.url ?? '');
      res.end('secret');
    });
    await new Promise<void>((resolve) => outside.listen(0, '127.0.0.2', resolve));
    outsideBase = `http://127.0.0.2:${(outside.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => outside.close(() => resolve()));
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

  it('refuses loopback in authenticated mode, and other schemes always, without making the request', async () => {
    const before = hits.length;
    const err = await downloadText(`${base}/latin1.csv`, authenticated).catch((e: unknown) => e);
    expect((err as DownloadError).problem).toBe('not-allowed');
    expect(hits.length).toBe(before);
    expect(((await downloadText('file:///etc/passwd', limits).catch((e: unknown) => e)) as DownloadError).problem).toBe('not-allowed');
  });

  it('in authenticated mode allows only https links to the SharePoint and OneDrive hosts Teams keeps files on', () => {
    const allowed = [
      'https://contoso.sharepoint.com/sites/Team/Shared%20Documents/k.csv',
      'https://contoso-my.sharepoint.com/personal/liisa_contoso_fi/_layouts/15/download.aspx?UniqueId=1',
      'https://agency.sharepoint.us/x.csv',
      'https://agency.sharepoint-mil.us/x.csv',
      'https://contoso.sharepoint.cn/x.csv',
      'https://CONTOSO.SharePoint.com/x.csv',
    ];
    for (const url of allowed) expect(downloadRefusal(new URL(url), authenticated), url).toBeNull();
    const refused = [
      'http://contoso.sharepoint.com/x.csv', // not https
      'https://contoso.sharepoint.com:8443/x.csv', // another port
      'https://sharepoint.com/x.csv', // no tenant
      'https://contoso.sharepoint.com.evil.example/x.csv',
      'https://evilsharepoint.com/x.csv',
      'https://169.254.169.254/latest/meta-data/',
      'https://localhost/x.csv',
      'https://127.0.0.1/x.csv',
      'https://[::1]/x.csv',
      'ftp://contoso.sharepoint.com/x.csv',
    ];
    for (const url of refused) expect(downloadRefusal(new URL(url), authenticated), url).not.toBeNull();
  });

  it('in local mode also allows loopback, over http too, but no other host', () => {
    for (const url of ['http://127.0.0.1:3978/x.csv', 'https://localhost/x.csv', 'http://[::1]:80/x.csv', 'https://contoso.sharepoint.com/x.csv']) {
      expect(downloadRefusal(new URL(url), limits), url).toBeNull();
    }
    for (const url of ['http://10.0.0.1/x.csv', 'http://127.0.0.2/x.csv', 'https://files.example/x.csv', 'http://contoso.sharepoint.com/x.csv']) {
      expect(downloadRefusal(new URL(url), limits), url).not.toBeNull();
    }
  });

  it('follows a redirect within the allowed hosts, and refuses one that leaves them without requesting it', async () => {
    expect(await downloadText(`${base}/redirect-home`, limits)).toBe('Nimi;Sähköposti\n');
    const before = outsideHits.length;
    const err = await downloadText(`${base}/redirect-away`, limits).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).problem).toBe('not-allowed');
    expect((err as DownloadError).message).toContain('redirected to');
    expect(outsideHits.length).toBe(before);
  });

  it('reports a failed download', async () => {
    const err = await downloadText(`${base}/missing.csv`, limits).catch((e: unknown) => e);
    expect((err as DownloadError).problem).toBe('failed');
  });
});
