// The national digest: one period's figures per office and per office ×
// segment, compared with the previous period, plus the proposals leadership
// should see. A pure function of the stored records; every record is visited
// once and bucketed through Maps.
//
// What counts where (periods use the digest time zone; "cutoff" is the
// earlier of the period end and `now`, so an on-demand digest of the running
// period and a digest of a past period both describe the state at a moment):
// - meetings planned: not cancelled, startsAt in the period; held: those with
//   endsAt <= cutoff; sub-themes come from the held ones.
// - invitations: to planned meetings, with their accepted RSVPs; attendance is
//   counted on invitations to held meetings. A meeting whose attendance was
//   recorded (any invitee has `attended` set) counts `attended === true`; for
//   one without any record an accepted RSVP stands in.
// - feedback requests: sentAt in the period, answered = status "answered".
// - feedback: submittedAt in the period. Response rate = distinct partners of
//   the target group (partners registered in the office and segment now) who
//   gave feedback / target group size; none (null) for a period in which no
//   meeting was held, no feedback request sent and no feedback given.
// - rating metrics (average, positive 4–5, critical 1–2) are hidden when a row
//   has fewer than `anonymityMinimum` answers, and further rows are hidden when
//   the office total minus the visible rows would reveal a small group.
// - proposals: status as of the cutoff (from their history). Listed: those
//   still open plus those created or changed in the period.
// - office → partner feedback: givenAt in the period.
// - asked rounds: per meeting and per survey round, the partners sent a
//   feedback request in the period and how many of them answered: a rate over
//   the people actually asked, beside the office rate over its whole register.
// - history: the office totals' response rate and positive share in the
//   HISTORY_PERIODS periods up to this one, each by the rules above as if it
//   were the digest's period (its own cutoff and anonymity hiding).
// All counted periods are tallied in the same pass: each record's instant is
// parsed once and put in its period's slot (0 = this period, 1 = the one
// before, …), so the history costs no further scans of the records.
// A segment not in `segments` counts in its office total only; records of
// offices not in `offices` are left out.
//
// buildDigest runs it in named stages: the counted periods (digest-periods),
// the tally of every record (digest-tally), the rows made of the tallies
// (digest-rows) and the proposals (digest-proposals).
import { countedPeriods, periodSlots } from './digest-periods.js';
import { digestProposals, type DigestProposals } from './digest-proposals.js';
import { askedRounds, light, officeRows } from './digest-rows.js';
import { tallyDigest, targetGroupSize, type OfficeTallies } from './digest-tally.js';
import type { AskedRound, Digest, DigestInput, DigestThresholds, OfficeDigest } from './digest-types.js';
import { periodKey, type Period } from './periods.js';

export * from './digest-types.js';
export { countedPeriods, light };

/** The digest of input.period, with each office's history over the periods before it. */
export function buildDigest(input: DigestInput): Digest {
  const slots = periodSlots(input);
  const tallies = tallyDigest(input, slots);
  const proposals = digestProposals(input, {
    start: slots.starts[0],
    cutoff: slots.cutoffs[0],
    partners: tallies.partners,
    anonymousFeedback: tallies.anonymousFeedback,
    groupSize: (officeId, segment) => targetGroupSize(tallies, officeId, segment),
  });
  const rounds = askedRounds(tallies.rounds);
  return {
    periodKey: periodKey(input.period),
    previousPeriodKey: periodKey(slots.periods[1]),
    start: slots.bounds.start,
    end: slots.bounds.end,
    timeZone: input.timeZone,
    generatedAt: input.now,
    anonymityMinimum: input.anonymityMinimum,
    offices: [...tallies.offices.values()].map((office) => officeDigest(office, { periods: slots.periods, thresholds: input.thresholds, rounds, proposals })),
    nationalProposals: proposals.national,
  };
}

function officeDigest(
  office: OfficeTallies,
  stages: { periods: Period[]; thresholds: DigestThresholds; rounds: Map<string, AskedRound[]>; proposals: DigestProposals },
): OfficeDigest {
  const id = office.office.id;
  const rows = officeRows(office, stages.periods, stages.thresholds);
  const { openNationalProposals, localProposals } = stages.proposals.byOffice.get(id)!;
  return {
    officeId: id,
    total: rows.total,
    segments: rows.segments,
    rounds: stages.rounds.get(id) ?? [],
    history: rows.history,
    openNationalProposals,
    localProposals,
    officeFeedback: rows.officeFeedback,
  };
}
