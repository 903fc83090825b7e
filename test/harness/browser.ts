// A real Chromium for browser tests: the one that ships inside the
// @sparticuz/chromium npm package (so `npm ci` is all a machine needs),
// driven by playwright-core; Debian's chromium only if that one fails.
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser } from 'playwright-core';

export async function launchChromium(): Promise<Browser> {
  const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  try {
    // Its serverless --single-process would end the whole browser with the first closed context.
    const serverless = chromium.args.filter((a) => a !== '--single-process');
    return await playwright.launch({ executablePath: await chromium.executablePath(), args: [...serverless, ...args], headless: true });
  } catch {
    return playwright.launch({ executablePath: '/usr/bin/chromium', args, headless: true });
  }
}
