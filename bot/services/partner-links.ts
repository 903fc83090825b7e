// Personal page links for partners reached by e-mail (/p/<token>). A link is a
// random 256-bit token stored in the shared `links` list with the one partner
// it belongs to, one purpose (its kind and ref) and an expiry. Sending the same
// thing again reuses the partner's link and moves its expiry on, so every
// e-mail about an invitation carries the same address.
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config.js';
import type { Partner } from '../domain/types.js';
import type { RecordReader, RecordTransaction } from '../store/records.js';
import type { DownloadLink, PartnerPageKind } from '../store/store.js';
import { PARTNER_PAGE_KINDS } from '../store/store.js';

const DAY_MS = 86_400_000;

export interface PartnerLinkRequest {
  kind: PartnerPageKind;
  /** The invitation, feedback request, office feedback, proposal or (my-data) partner id. */
  ref: string;
  /** Default: `links.partnerPageDays` from now. A feedback link expires when its request closes. */
  expiresAt?: string;
}

export const partnerPageUrl = (config: Pick<AppConfig, 'publicBaseUrl'>, token: string) => `${config.publicBaseUrl}/p/${token}`;

const isPartnerPage = (link: DownloadLink): boolean => (PARTNER_PAGE_KINDS as readonly string[]).includes(link.kind) && !!link.partnerId;

/**
 * Links of any partners (created or extended as needed) inside a use case's
 * transaction, as URLs in the same order; nothing is written when the links
 * exist and last long enough.
 */
export async function issuePartnerLinks(
  tx: RecordTransaction,
  config: Pick<AppConfig, 'publicBaseUrl' | 'links'>,
  wanted: (PartnerLinkRequest & { partnerId: string })[],
  now: Date,
): Promise<string[]> {
  const urls: string[] = [];
  for (const w of wanted) {
    const expiresAt = w.expiresAt ?? new Date(now.getTime() + config.links.partnerPageDays * DAY_MS).toISOString();
    const live = (await tx.findBy('links', 'ref', w.ref)).find(
      (l) => l.kind === w.kind && l.partnerId === w.partnerId && Date.parse(l.expiresAt) > now.getTime(),
    );
    const link: DownloadLink = live ?? { id: randomBytes(32).toString('base64url'), kind: w.kind, ref: w.ref, partnerId: w.partnerId, expiresAt };
    if (!live || live.expiresAt < expiresAt) await tx.put('links', { ...link, expiresAt });
    urls.push(partnerPageUrl(config, link.id));
  }
  return urls;
}

/** What a page token opens: its link and partner, or why it opens nothing. */
export async function partnerLinkOf(reader: RecordReader, token: string, now: Date): Promise<PartnerLinkLookup> {
  const link = await reader.get('links', token);
  if (!link || !isPartnerPage(link)) return { status: 'unknown' };
  const partner = await reader.get('partners', link.partnerId!);
  if (!partner) return { status: 'unknown' };
  if (Date.parse(link.expiresAt) <= now.getTime()) return { status: 'expired', partner };
  return { status: 'valid', link: { ...link, partnerId: link.partnerId! }, partner };
}

export type PartnerLinkLookup =
  | { status: 'valid'; link: DownloadLink & { partnerId: string }; partner: Partner }
  | { status: 'expired'; partner: Partner }
  | { status: 'unknown' };

