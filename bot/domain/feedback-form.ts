// The values a feedback form (the Teams card or the web page) shows: empty, as
// submitted (a refused form keeps what the partner wrote) or as stored.
import { MAX_PROPOSALS, proposalFields } from './feedback-input.js';
import type { Feedback, Proposal } from './types.js';

export interface FeedbackFormValues {
  rating: string;
  works: string;
  change: string;
  justification: string;
  anonymous: string;
  proposals: { text: string; level: string; justification: string }[];
}

const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

export const emptyValues = (): FeedbackFormValues => ({
  rating: '',
  works: '',
  change: '',
  justification: '',
  anonymous: 'false',
  proposals: Array.from({ length: MAX_PROPOSALS }, () => ({ text: '', level: '', justification: '' })),
});

/** The submitted values as they were, so a refused form keeps what the partner wrote. */
export function submittedValues(data: Record<string, unknown>): FeedbackFormValues {
  return {
    rating: text(data.rating),
    works: text(data.works),
    change: text(data.change),
    justification: text(data.justification),
    anonymous: text(data.anonymous) === 'true' ? 'true' : 'false',
    proposals: Array.from({ length: MAX_PROPOSALS }, (_, n) => {
      const fields = proposalFields(n);
      return { text: text(data[fields.text]), level: text(data[fields.level]), justification: text(data[fields.justification]) };
    }),
  };
}

export function storedValues(feedback: Feedback, proposals: readonly Proposal[]): FeedbackFormValues {
  const values = emptyValues();
  const sorted = [...proposals].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).slice(0, MAX_PROPOSALS);
  sorted.forEach((p, n) => (values.proposals[n] = { text: p.text, level: p.level, justification: p.justification ?? '' }));
  return {
    ...values,
    rating: String(feedback.rating),
    works: feedback.works,
    change: feedback.change,
    justification: feedback.justification ?? '',
    anonymous: String(feedback.anonymous),
  };
}
