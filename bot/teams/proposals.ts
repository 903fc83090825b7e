// Proposals in Teams: the `proposals` list (proposal.list), the status form
// (proposal.status) and saving a decision (proposal.status.save), which tells
// the author unless the proposal is anonymous.
import { renderCard, type Card } from '../cards.js';
import { clipText, formatMeetingTime } from '../domain/format.js';
import {
  filterArgs,
  isProposalStatus,
  MIN_REASON,
  parseProposalFilter,
  parseStatusChange,
  type ProposalFilter,
} from '../domain/proposal-rules.js';
import type { Proposal, ProposalStatus, Role } from '../domain/types.js';
import { changeStatus, decisionFor, listProposals, notifyAuthor, proposalView, type ChangeErrorCode, type ProposalView } from '../services/proposals.js';
import { paginate, requestedPage } from '../domain/paging.js';
import { errorLines } from '../field-error-lines.js';
import { withPager } from './pager.js';
import { officeName, segmentName } from './partners-common.js';
import { cardAction, type Feature, type Turn } from './router.js';
import { z } from 'zod';
import { cardData, cardId, formText, page } from './card-data.js';
import { officeOrFirst } from '../domain/office-name.js';
import { deciderOf } from './plan-access.js';

/** Who decides on proposals (which ones: canHandle, applied by the service). */
const DECIDERS: readonly Role[] = ['coordinator', 'national', 'admin'];
/** Proposals as long as allowed, with every fact, still fit a card this many at a time. */
export const PROPOSALS_PER_PAGE = 10;

/** What the list and form cards carry: the filter typed, and the page shown. */
const listData = cardData({ filter: z.string().default(''), page });
/** A status button or form: the proposal and the status asked for (the service checks both). */
const statusData = listData.extend({ proposalId: cardId, status: z.string() });
type StatusData = z.infer<typeof statusData>;
/** The status form's save: the reason typed (parseStatusChange checks it and answers field by field). */
const saveData = statusData.extend({ reason: formText });

const filterFrom = (data: { filter: string }): ProposalFilter => parseProposalFilter(data.filter) ?? {};

function refusalText(turn: Turn, code: ChangeErrorCode, proposal?: Proposal, to?: string): string {
  const status = (s: string) => (isProposalStatus(s) ? turn.t(`proposals.status.${s}`) : s.slice(0, 40));
  return turn.t(`proposals.error.${code}`, { from: proposal ? status(proposal.status) : '', to: status(to ?? ''), min: MIN_REASON });
}

function authorText(turn: Turn, view: ProposalView): string {
  if (view.proposal.anonymous) return turn.t('proposals.anonymous');
  return view.author ? turn.t('proposals.author', view.author) : turn.t('proposals.authorUnknown');
}

function facts(turn: Turn, view: ProposalView) {
  const { t, user } = turn;
  const { proposal } = view;
  const timeZone = officeOrFirst(turn.deps.config.offices, proposal.officeId).timeZone;
  const latest = proposal.history[proposal.history.length - 1];
  return [
    { title: t('proposals.fact.level'), value: t(`proposals.level.${proposal.level}`) },
    { title: t('proposals.fact.office'), value: officeName(turn, proposal.officeId) },
    { title: t('proposals.fact.segment'), value: segmentName(turn, proposal.segment) },
    { title: t('proposals.fact.status'), value: t(`proposals.status.${proposal.status}`) },
    ...(proposal.justification ? [{ title: t('proposals.fact.justification'), value: clipText(proposal.justification, 300) }] : []),
    { title: t('proposals.fact.author'), value: authorText(turn, view) },
    { title: t('proposals.fact.received'), value: formatMeetingTime(proposal.createdAt, timeZone, user.locale) },
    ...(latest?.reason ? [{ title: t('proposals.fact.decision'), value: clipText(latest.reason, 300) }] : []),
  ];
}

async function listCard(turn: Turn, filter: ProposalFilter, notice = '', requestedPage: unknown = 0): Promise<Card> {
  const { t, user } = turn;
  const views = await listProposals(turn.deps.records, user, filter);
  const { page, shown } = paginate(views, requestedPage, PROPOSALS_PER_PAGE);
  const scope = t(`proposals.scope.${user.role}`, { office: officeName(turn, user.officeId) });
  const only = [filter.status && t(`proposals.status.${filter.status}`), filter.level && t(`proposals.level.${filter.level}`)].filter(Boolean).join(', ');
  const summary = [
    only ? t('proposals.summary.filtered', { scope, filter: only, count: views.length }) : t('proposals.summary', { scope, count: views.length }),
    ...(views.length === 0 ? [t('proposals.empty')] : []),
  ].join(' ');
  const card = renderCard('proposal-list', {
    title: t('proposals.title'),
    notice,
    summary,
    proposals: shown.map((view) => ({
      // Cut on the list; the status form shows the proposal whole.
      text: clipText(view.proposal.text, 500),
      facts: facts(turn, view),
      actions: view.next.map((status) => ({
        title: t(`proposals.action.${status}`),
        proposalId: view.proposal.id,
        status,
        filter: filterArgs(filter),
        page: page.index,
      })),
    })),
  });
  return withPager(card, { t, locale: user.locale }, page, { verb: 'proposal.list', keep: { filter: filterArgs(filter) } });
}

/** `page`: the list page the form was opened from, to return to. */
async function formCard(
  turn: Turn,
  proposal: Proposal,
  status: ProposalStatus,
  filter: ProposalFilter,
  page: unknown,
  reason: string,
  errors: string[],
): Promise<Card> {
  const { t } = turn;
  const view = await proposalView(turn.deps.records, proposal);
  return renderCard('proposal-status-form', {
    title: t('proposals.form.title', { status: t(`proposals.status.${status}`) }),
    text: proposal.text,
    facts: [
      { title: t('proposals.fact.status'), value: t(`proposals.status.${proposal.status}`) },
      { title: t('proposals.fact.newStatus'), value: t(`proposals.status.${status}`) },
      { title: t('proposals.fact.level'), value: t(`proposals.level.${proposal.level}`) },
      { title: t('proposals.fact.author'), value: authorText(turn, view) },
    ],
    errors,
    reasonLabel: t(`proposals.form.reason.${status}`),
    reasonPlaceholder: t('proposals.form.placeholder', { min: MIN_REASON }),
    reason,
    saveButton: t('proposals.form.save'),
    backButton: t('proposals.form.back'),
    proposalId: proposal.id,
    status,
    filter: filterArgs(filter),
    page: requestedPage(page),
  });
}

/** The proposal this user may move to the status asked for, or why not (the service's rules). */
async function decidable(turn: Turn, data: StatusData): Promise<{ proposal: Proposal; status: ProposalStatus } | string> {
  const decision = await decisionFor(turn.deps.records, turn.user, data.proposalId, data.status);
  return decision.ok ? decision : refusalText(turn, decision.code, decision.proposal, data.status);
}

export const proposalsFeature: Feature = {
  commands: [
    {
      name: 'proposals',
      words: 'proposals',
      roles: DECIDERS,
      menu: ['personal', 'team', 'groupChat'],
      handle: async (turn, args) => {
        const filter = parseProposalFilter(args);
        if (!filter) return turn.t('proposals.badFilter', { args: args.slice(0, 80) });
        return listCard(turn, filter);
      },
    },
  ],
  cardActions: [
    cardAction('proposal.list', DECIDERS, listData, async (turn, data) => listCard(turn, filterFrom(data), '', data.page)),
    cardAction('proposal.status', DECIDERS, statusData, async (turn, data) => {
      const target = await decidable(turn, data);
      if (typeof target === 'string') return target;
      return formCard(turn, target.proposal, target.status, filterFrom(data), data.page, '', []);
    }),
    cardAction('proposal.status.save', DECIDERS, saveData, async (turn, data) => {
      const target = await decidable(turn, data);
      if (typeof target === 'string') return target;
      const filter = filterFrom(data);
      const parsed = parseStatusChange(data);
      if (!parsed.ok) {
        return formCard(turn, target.proposal, target.status, filter, data.page, data.reason, errorLines(turn.t, 'proposals.form', parsed.errors));
      }
      const { deps, user } = turn;
      const now = deps.clock();
      const by = deciderOf(turn);
      const actor = { ...user.identity, role: user.role };
      const result = await changeStatus(deps.records, target.proposal.id, parsed.value, by, actor, now);
      if (!result.ok) return refusalText(turn, result.code, target.proposal, target.status);
      const told = await notifyAuthor(deps, result.proposal, now);
      const notice = `${turn.t('proposals.saved', { status: turn.t(`proposals.status.${result.proposal.status}`) })} ${turn.t(`proposals.told.${told}`)}`;
      return listCard(turn, filter, notice, data.page);
    }),
  ],
};
