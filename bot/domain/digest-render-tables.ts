// The digest page's tables and lists: an office's key figures by segment,
// its asked rounds and its office feedback; and a list of proposals.
import type { DigestProposal, DigestRow, OfficeDigest } from './digest.js';
import { notes, officeName, segmentName, type Translate } from './digest-render-labels.js';
import { metricCell, orDash, type View } from './digest-render-view.js';
import { html, type Html } from './html.js';

function keyFiguresHead(t: Translate): Html {
  return html`<thead><tr>
      <th scope="col">${t('segment')}</th>
      <th scope="col">${t('meetingsHeld')} / ${t('meetingsPlanned')}</th>
      <th scope="col">${t('accepted')} / ${t('invitations')}</th>
      <th scope="col">${t('attendanceRate')} (${t('attended')} / ${t('invitedToHeld')})</th>
      <th scope="col">${t('requestsAnswered')} / ${t('feedbackRequests')}</th>
      <th scope="col">${t('responseRate')} (${t('respondents')} / ${t('targetGroupSize')})</th>
      <th scope="col">${t('feedbackCount')}</th>
      <th scope="col">${t('averageRating')}</th>
      <th scope="col">${t('positiveShare')}</th>
      <th scope="col">${t('criticalShare')}</th>
    </tr></thead>`;
}

function keyFiguresRow(v: View, row: DigestRow): Html {
  return html`<tr${row.segment === null && html` class="total"`}>
    <th scope="row">${segmentName(v.labels, row.segment, v.t)}</th>
    <td>${row.meetingsHeld} / ${row.meetingsPlanned}</td>
    <td>${row.accepted} / ${row.invitations}</td>
    ${metricCell(v, row, 'attendanceRate', `${row.attended} / ${row.invitedToHeld}`)}
    <td>${row.requestsAnswered} / ${row.feedbackRequests}</td>
    ${metricCell(v, row, 'responseRate', `${row.respondents} / ${row.targetGroupSize}`)}
    <td>${row.feedbackCount}</td>
    ${metricCell(v, row, 'averageRating')}
    ${metricCell(v, row, 'positiveShare')}
    ${metricCell(v, row, 'criticalShare')}
  </tr>`;
}

/** The office total and each segment, with the anonymity notes of any of them below. */
export function keyFigures(v: View, office: OfficeDigest): Html {
  const { t } = v;
  const rows = [office.total, ...office.segments];
  const anyNotes = rows.flatMap((row) => notes(row, v.digest.anonymityMinimum, t));
  return html`<table>
    <caption>${t('keyFigures')}: ${officeName(v.labels, office.officeId)}</caption>
    ${keyFiguresHead(t)}
    <tbody>${rows.map((row) => keyFiguresRow(v, row))}</tbody>
  </table>
  ${[...new Set(anyNotes)].map((note) => html`<p class="note">${note}</p>`)}`;
}

/** Each proposal with its status, author and date; `showOffice` for national ones, which come from every office. */
export function proposalList(v: View, proposals: DigestProposal[], showOffice: boolean): Html {
  const { t } = v;
  if (proposals.length === 0) return html`<p>${t('none')}</p>`;
  const author = (p: DigestProposal) =>
    p.anonymous ? t('anonymous') : p.author ? `${p.author.name}, ${p.author.organisation}` : '–';
  return html`<ul class="proposals">${proposals.map(
    (p) => html`<li>
      <p>${p.text}</p>
      <dl>
        ${showOffice && html`<dt>${t('office')}</dt><dd>${officeName(v.labels, p.officeId)}</dd>`}
        ${p.segment !== null && html`<dt>${t('segment')}</dt><dd>${segmentName(v.labels, p.segment, t)}</dd>`}
        <dt>${t('status')}</dt><dd>${t(`status.${p.status}`)}</dd>
        ${p.justification !== null && html`<dt>${t('justification')}</dt><dd>${p.justification}</dd>`}
        <dt>${t('author')}</dt><dd>${author(p)}</dd>
        <dt>${t('receivedOn')}</dt><dd>${v.date(p.createdAt)}</dd>
      </dl>
    </li>`,
  )}</ul>`;
}

/** The response rate of each meeting and survey round over the partners it asked. */
export function roundsTable(v: View, office: OfficeDigest): Html | null {
  const { t } = v;
  if (office.rounds.length === 0) return null;
  return html`<table>
    <caption>${t('askedRounds')}: ${officeName(v.labels, office.officeId)}</caption>
    <thead><tr>
      <th scope="col">${t('meeting')} / ${t('survey')}</th>
      <th scope="col">${t('segment')}</th>
      <th scope="col">${t('askedOn')}</th>
      <th scope="col">${t('answeredOfAsked')}</th>
      <th scope="col">${t('responseRate')}</th>
    </tr></thead>
    <tbody>${office.rounds.map(
      (round) => html`<tr>
        <th scope="row">${round.kind === 'meeting' ? `${t('meeting')}: ${round.subTheme ?? '–'}` : t('survey')}</th>
        <td>${round.segments.map((segment) => segmentName(v.labels, segment, t)).join(', ')}</td>
        <td>${v.date(round.firstSentAt)}</td>
        <td>${round.answered} / ${round.asked}</td>
        <td>${v.metric('responseRate', round.rate)}</td>
      </tr>`,
    )}</tbody>
  </table>`;
}

/** The feedback partners gave the office: all segments, then each segment. */
export function officeFeedbackTable(v: View, office: OfficeDigest): Html {
  const { t } = v;
  const rating = (value: number | null) => orDash(v, 'averageRating', value);
  return html`<table>
      <caption>${t('officeFeedback')}: ${officeName(v.labels, office.officeId)}</caption>
      <thead><tr><th scope="col">${t('segment')}</th><th scope="col">${t('count')}</th><th scope="col">${t('averageRating')}</th></tr></thead>
      <tbody>
        <tr class="total"><th scope="row">${t('allSegments')}</th><td>${office.officeFeedback.count}</td><td>${rating(office.officeFeedback.averageRating)}</td></tr>
        ${office.officeFeedback.bySegment.map(
          (s) => html`<tr><th scope="row">${segmentName(v.labels, s.segment, t)}</th><td>${s.count}</td><td>${rating(s.averageRating)}</td></tr>`,
        )}
      </tbody>
    </table>`;
}
