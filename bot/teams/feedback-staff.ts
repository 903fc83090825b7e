// The staff's `feedback` view: what their office received, grouped by meeting
// or survey round, a page at a time (personal chat only: answers carry names).
import { DateTime } from 'luxon';
import { renderCard, type Card } from '../cards.js';
import { clipText } from '../domain/format.js';
import { officeName, officeOrFirst } from '../domain/office-name.js';
import { paginate } from '../domain/paging.js';
import { subjectText } from '../services/feedback-subject.js';
import { feedbackForStaff, type StaffAnswer, type StaffGroup } from '../services/feedback-view.js';
import type { Presenter } from '../services/presenter.js';
import { withPager } from './pager.js';
import { presenterOf } from './presenter.js';
import type { Reply, Turn } from './router.js';

/** Answers per page of the staff view; with their texts cut to MAX_SHOWN_TEXT a page stays within a card's size. */
export const STAFF_ANSWERS_PER_PAGE = 8;
const MAX_SHOWN_TEXT = 300;

const clip = (s: string) => clipText(s, MAX_SHOWN_TEXT);

function groupData(p: Presenter, group: StaffGroup, answers: StaffAnswer[]) {
  const { t } = p;
  const average = new Intl.NumberFormat(p.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return {
    heading: subjectText(p, group),
    summary: group.hidden
      ? t('feedback.staff.hidden', { min: p.config.feedback.anonymityMinimum })
      : t('feedback.staff.summary', { count: group.count, average: average.format(group.average ?? 0) }),
    answers: answers.map((answer) => {
      const who = answer.anonymous
        ? t('feedback.staff.anonymous')
        : answer.author
          ? t('feedback.staff.author', answer.author)
          : t('feedback.staff.unknownAuthor');
      const lines = [
        answer.works && t('feedback.staff.works', { text: clip(answer.works) }),
        answer.change && t('feedback.staff.change', { text: clip(answer.change) }),
        answer.justification && t('feedback.staff.justification', { text: clip(answer.justification) }),
        ...answer.proposals.map((proposal) =>
          t('feedback.staff.proposal', {
            level: t(`feedback.levelShort.${proposal.level}`),
            status: t(`feedback.status.${proposal.status}`),
            text: clip(proposal.text),
          }),
        ),
      ].filter((line): line is string => !!line);
      return { heading: `${who} · ${t('feedback.staff.rating', { rating: answer.rating })}`, lines };
    }),
  };
}

/**
 * One row per answer, and one for a group with nothing to show: pages cut
 * between rows, and a group split over pages has its heading on each.
 */
function staffRows(groups: StaffGroup[]): { group: StaffGroup; answer: StaffAnswer | null }[] {
  return groups.flatMap((group) =>
    group.answers.length > 0 ? group.answers.map((answer) => ({ group, answer: answer as StaffAnswer | null })) : [{ group, answer: null }],
  );
}

const staffOffice = (turn: Turn) => officeOrFirst(turn.deps.config.offices, turn.user.officeId);

export async function staffCard(turn: Turn, year: number, requestedPage: unknown): Promise<Card> {
  const { records, config } = turn.deps;
  const office = staffOffice(turn);
  const groups = await feedbackForStaff(records, office.id, { year }, config.feedback.anonymityMinimum);
  const { page, shown } = paginate(staffRows(groups), requestedPage, STAFF_ANSWERS_PER_PAGE);
  const onPage: { group: StaffGroup; answers: StaffAnswer[] }[] = [];
  for (const { group, answer } of shown) {
    if (onPage.at(-1)?.group !== group) onPage.push({ group, answers: [] });
    if (answer) onPage.at(-1)!.answers.push(answer);
  }
  const p = presenterOf(turn);
  const card = renderCard('feedback-staff', {
    title: turn.t('feedback.staff.title', { year }),
    intro: turn.t('feedback.staff.intro', { office: officeName(office, turn.user.locale) }),
    notes: groups.length === 0 ? [turn.t('feedback.staff.empty', { year })] : [],
    groups: onPage.map(({ group, answers }) => groupData(p, group, answers)),
  });
  return withPager(card, p, page, { verb: 'feedback.staff', keep: { year } });
}

export async function staffView(turn: Turn, args: string): Promise<Reply> {
  if (args && !/^\d{4}$/.test(args)) return turn.t('feedback.staff.badYear', { text: args.slice(0, 40) });
  const year = args ? Number(args) : DateTime.fromJSDate(turn.deps.clock(), { zone: staffOffice(turn).timeZone }).year;
  return staffCard(turn, year, 0);
}

