// What office staff see of the feedback their office received, grouped by
// meeting, survey round or general feedback. Anonymity: an anonymous answer
// carries no author, answers are ordered by content rather than time, and a
// group with fewer than `anonymityMinimum` answers shows only its size class.
import type { Feedback, Instant, Meeting, Partner, Proposal, ProposalLevel, ProposalStatus, Survey, SurveyRound } from '../domain/types.js';
import type { RecordReader } from '../store/records.js';
import { subjectOf } from './feedback-requests.js';

export interface StaffFilter {
  /** The year file to read: feedback lives in the year its request was sent. */
  year: number;
}

export interface StaffAnswer {
  anonymous: boolean;
  /** null when anonymous, or when the partner is no longer in the register. */
  author: { name: string; organisation: string } | null;
  rating: number;
  works: string;
  change: string;
  justification?: string;
  proposals: { text: string; level: ProposalLevel; status: ProposalStatus }[];
}

export interface StaffGroup {
  key: string;
  kind: 'meeting' | 'survey' | 'general';
  meeting?: Meeting;
  survey?: Survey;
  round?: SurveyRound;
  count: number;
  /** Too few answers to show without risking who gave them. */
  hidden: boolean;
  /** null when hidden. */
  average: number | null;
  /** Empty when hidden. */
  answers: StaffAnswer[];
  /** Meeting start, round send or latest general answer: groups are listed newest first. */
  at: Instant;
}

const groupKey = (f: Feedback) => (f.meetingId ? `meeting:${f.meetingId}` : f.surveyRoundId ? `round:${f.surveyRoundId}` : 'general');

function toAnswer(feedback: Feedback, proposals: readonly Proposal[], partners: ReadonlyMap<string, Partner>): StaffAnswer {
  const partner = feedback.anonymous ? undefined : partners.get(feedback.partnerId);
  return {
    anonymous: feedback.anonymous,
    author: partner ? { name: partner.name, organisation: partner.organisation } : null,
    rating: feedback.rating,
    works: feedback.works,
    change: feedback.change,
    ...(feedback.justification ? { justification: feedback.justification } : {}),
    proposals: proposals.filter((p) => p.feedbackId === feedback.id).map((p) => ({ text: p.text, level: p.level, status: p.status })),
  };
}

export async function feedbackForStaff(reader: RecordReader, officeId: string, filter: StaffFilter, anonymityMinimum: number): Promise<StaffGroup[]> {
  const feedback = (await reader.inYear('feedback', filter.year)).filter((f) => f.officeId === officeId);
  const proposals = (await reader.inYear('proposals', filter.year)).filter((p) => p.officeId === officeId);
  const authorIds = new Set(feedback.filter((f) => !f.anonymous).map((f) => f.partnerId));
  const authors = await Promise.all([...authorIds].map((id) => reader.get('partners', id)));
  const partners = new Map(authors.filter((p): p is Partner => !!p).map((p) => [p.id, p]));
  const byGroup = new Map<string, Feedback[]>();
  for (const f of feedback) byGroup.set(groupKey(f), [...(byGroup.get(groupKey(f)) ?? []), f]);

  const groups: StaffGroup[] = [];
  for (const [key, members] of byGroup) {
    const subject = await subjectOf(reader, members[0]);
    const kind = subject.meeting ? 'meeting' : subject.round ? 'survey' : 'general';
    const hidden = members.length < anonymityMinimum;
    const latest = members.map((f) => f.submittedAt).sort().at(-1)!;
    groups.push({
      key,
      kind,
      ...subject,
      count: members.length,
      hidden,
      average: hidden ? null : members.reduce((sum, f) => sum + f.rating, 0) / members.length,
      answers: hidden
        ? []
        : members
            .map((f) => toAnswer(f, proposals, partners))
            // By content, not by time: the order must not hint at who answered when.
            .sort((a, b) => b.rating - a.rating || a.works.localeCompare(b.works) || a.change.localeCompare(b.change)),
      at: subject.meeting?.startsAt ?? subject.round?.sentAt ?? latest,
    });
  }
  return groups.sort((a, b) => b.at.localeCompare(a.at));
}
