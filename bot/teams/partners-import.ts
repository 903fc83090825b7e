// Partner import from CSV, pasted into the import card or sent as a .csv file
// in the personal chat. Every row is reported; a rejected row changes nothing,
// and a problem with the text as a whole saves nothing at all.
import { renderCard, type Card } from '../cards.js';
import { MAX_CSV_BYTES, parsePartnerCsv, type PartnerCsvResult } from '../domain/partner-csv.js';
import { importPartners, type ImportRowResult } from '../services/partners.js';
import { audited } from './audit.js';
import { DownloadError, downloadText, type SentFile } from './file-download.js';
import { editableOffices, officeName, partnerErrorLines } from './partners-common.js';
import { officeById } from './plan-access.js';
import { cardAction, type Feature, type Reply, type Turn } from './router.js';
import { OFFICE_STAFF } from './roles.js';
import { cardData, formText } from './card-data.js';

/** Rejected rows listed on the report; the rest are counted. */
export const REPORT_LINES = 30;
const DOWNLOAD_TIMEOUT_MS = 10_000;
/** Pasted text up to this length is put back into the card after a fatal problem (cards have a size limit). */
const KEEP_TEXT_CHARS = 8000;

type Fatal = NonNullable<PartnerCsvResult['fatal']>;

function importCard(turn: Turn, csv = '', errors: string[] = []): Card {
  const { t, user, deps } = turn;
  const offices = editableOffices(turn);
  return renderCard('partner-import', {
    title: t('import.title'),
    errors,
    intro: [
      t('import.intro'),
      t('import.columns'),
      user.role === 'admin'
        ? t('import.officesAll', { offices: offices.join(', '), office: officeName(turn, user.officeId) })
        : t('import.officeOwn', { office: officeName(turn, user.officeId) }),
    ],
    segmentsTitle: t('import.segmentsTitle'),
    segments: deps.config.segments.map((s) => ({ id: s.id, name: s.name[user.locale] })),
    placeholder: t('import.placeholder'),
    csv,
    labels: { csv: t('import.field.csv'), import: t('import.button.import'), list: t('partner.button.list') },
  });
}

function fatalText(turn: Turn, fatal: Fatal): string {
  const { t } = turn;
  const params = fatal.params ?? {};
  const column = (key: string | number) => t(`import.column.${key}`);
  switch (fatal.code) {
    case 'too-large':
      return t('import.error.too-large', { maxKb: Math.round(Number(params.maxBytes) / 1024) });
    case 'missing-columns':
      return t('import.error.missing-columns', { columns: String(params.columns).split(', ').map(column).join(', ') });
    case 'duplicate-column':
      return t('import.error.duplicate-column', { column: column(params.column) });
    default:
      return t(`import.error.${fatal.code}`, params);
  }
}

interface ImportOutcome {
  rows: ImportRowResult[];
  cleanedLines: number[];
}

/** Parses and imports; the text of a fatal problem when nothing could be imported. */
async function runImport(turn: Turn, csv: string): Promise<ImportOutcome | string> {
  const { config, records, clock } = turn.deps;
  const parsed = parsePartnerCsv(csv, {
    segments: config.segments.map((s) => s.id),
    offices: editableOffices(turn),
    defaultOffice: turn.user.officeId,
  });
  if (parsed.fatal) return fatalText(turn, parsed.fatal);
  const rows = await importPartners(records, parsed.rows, clock(), (officeId) => officeById(turn, officeId).locale);
  const count = (status: ImportRowResult['status']) => rows.filter((r) => r.status === status).length;
  await audited(turn, 'partners.import', {}, { added: count('added'), updated: count('updated'), unchanged: count('unchanged'), rejected: count('rejected') });
  return { rows, cleanedLines: parsed.cleanedLines ?? [] };
}

function reportCard(turn: Turn, outcome: ImportOutcome | string, source: string): Card {
  const { t } = turn;
  const labels = { list: t('partner.button.list'), again: t('import.button.again') };
  if (typeof outcome === 'string') {
    return renderCard('partner-import-report', {
      title: t('import.report.failed'),
      color: 'Attention',
      source,
      counts: [],
      rejectedTitle: '',
      lines: [outcome],
      more: '',
      note: '',
      labels,
    });
  }
  const { rows, cleanedLines } = outcome;
  const count = (status: ImportRowResult['status']) => rows.filter((r) => r.status === status).length;
  const rejected = rows.filter((r) => r.status === 'rejected');
  return renderCard('partner-import-report', {
    title: t('import.report.title'),
    color: rejected.length ? 'Warning' : 'Good',
    source,
    counts: (['added', 'updated', 'unchanged', 'rejected'] as const).map((s) => ({
      title: t(`import.report.${s}`),
      value: String(count(s)),
    })),
    rejectedTitle: rejected.length ? t('import.report.rejectedTitle') : '',
    lines: rejected
      .slice(0, REPORT_LINES)
      .map((r) => t('import.report.line', { line: r.line, problems: partnerErrorLines(turn, r.errors ?? []).join(' ') })),
    more: rejected.length > REPORT_LINES ? t('import.report.more', { count: rejected.length - REPORT_LINES }) : '',
    note: cleanedLines.length ? t('import.report.cleaned', { lines: cleanedLines.slice(0, REPORT_LINES).join(', ') }) : '',
    labels,
  });
}

const isCsv = (file: SentFile) => file.fileType === 'csv' || file.name.toLowerCase().endsWith('.csv');

async function importFile(turn: Turn, file: SentFile): Promise<Card | string> {
  const { t, deps } = turn;
  if (!isCsv(file)) return t('import.error.notCsv', { name: file.name });
  const source = t('import.report.file', { name: file.name });
  let csv: string;
  try {
    csv = await downloadText(file.downloadUrl, {
      maxBytes: MAX_CSV_BYTES,
      timeoutMs: DOWNLOAD_TIMEOUT_MS,
      allowLoopback: deps.config.credentials === null,
    });
  } catch (err) {
    if (!(err instanceof DownloadError)) throw err;
    deps.log(`partner import: ${err.message}`);
    if (err.problem === 'not-allowed') return t('import.error.notTeamsFile', { name: file.name });
    if (err.problem !== 'too-large') return t('import.error.download', { name: file.name });
    return reportCard(turn, fatalText(turn, { code: 'too-large', params: { maxBytes: MAX_CSV_BYTES } }), source);
  }
  return reportCard(turn, await runImport(turn, csv), source);
}

export const partnerImportFeature: Feature = {
  commands: [
    {
      name: 'import',
      words: 'import',
      roles: OFFICE_STAFF,
      menu: ['personal'],
      handle: async (turn) => importCard(turn),
    },
  ],
  cardActions: [
    // The pasted text stays text: parsePartnerCsv reports what is wrong with it.
    cardAction('partners.import', OFFICE_STAFF, cardData({ csv: formText }), async (turn, { csv }) => {
      const outcome = await runImport(turn, csv);
      if (typeof outcome === 'string') return importCard(turn, csv.length <= KEEP_TEXT_CHARS ? csv : '', [outcome]);
      return reportCard(turn, outcome, '');
    }),
  ],
  files: {
    roles: OFFICE_STAFF,
    handle: async (turn, files) => {
      const replies: Reply[] = [];
      for (const file of files) replies.push(await importFile(turn, file));
      return replies;
    },
  },
};
