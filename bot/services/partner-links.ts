// Personal page links for partners reached by e-mail (/p/<token>). A link is a
// random 256-bit token stored in the shared `links` list with the one partner
// it belongs to, one purpose (its kind and ref) and an expiry. Sending the same
// thing again reuses the partner's link and moves its expiry on, so every
// e-mail about an invitation carries the same address.
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config.js';
import type { Partner } from '../domain/types.js';
import type { DownloadLink, PartnerPageKind, Store } from '../store/store.js';
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
 * The partner's links for `wanted` (created or extended as needed), as URLs in
 * the same order. One write for all of them, none when nothing changes.
 */
export async function partnerLinks(
  store: Store,
  config: Pick<AppConfig, 'publicBaseUrl' | 'links'>,
  partner: Pick<Partner, 'id'>,
  wanted: PartnerLinkRequest[],
  now: Date,
): Promise<string[]> {
  const expiryOf = (w: PartnerLinkRequest) => w.expiresAt ?? new Date(now.getTime() + config.links.partnerPageDays * DAY_MS).toISOString();
  const find = (links: readonly DownloadLink[], w: PartnerLinkRequest) =>
    links.find((l) => l.kind === w.kind && l.ref === w.ref && l.partnerId === partner.id && Date.parse(l.expiresAt) > now.getTime());
  const current = store.readShared((d) => wanted.map((w) => find(d.links, w)));
  if (current.every((link, i) => link && link.expiresAt >= expiryOf(wanted[i]))) {
    return current.map((link) => partnerPageUrl(config, link!.id));
  }
  const tokens = await store.updateShared((d) =>
    wanted.map((w) => {
      const expiresAt = expiryOf(w);
      const link = find(d.links, w);
      if (link) {
        if (link.expiresAt < expiresAt) link.expiresAt = expiresAt;
        return link.id;
      }
      const id = randomBytes(32).toString('base64url');
      d.links.push({ id, kind: w.kind, ref: w.ref, partnerId: partner.id, expiresAt });
      return id;
    }),
  );
  return tokens.map((token) => partnerPageUrl(config, token));
}

export type PartnerLinkLookup =
  | { status: 'valid'; link: DownloadLink & { partnerId: string }; partner: Partner }
  | { status: 'expired'; partner: Partner }
  | { status: 'unknown' };

/** What a page token opens: its link and partner, or why it opens nothing. */
export function lookupPartnerLink(store: Store, token: string, now: Date): PartnerLinkLookup {
  return store.readShared((d) => {
    const link = d.links.find((l) => l.id === token);
    if (!link || !isPartnerPage(link)) return { status: 'unknown' as const };
    const partner = d.partners.find((p) => p.id === link.partnerId);
    if (!partner) return { status: 'unknown' as const };
    if (Date.parse(link.expiresAt) <= now.getTime()) return { status: 'expired' as const, partner: { ...partner } };
    return { status: 'valid' as const, link: { ...link, partnerId: link.partnerId! }, partner: { ...partner } };
  });
}
