import { describe, expect, it } from 'vitest';
import { FEEDBACK_INPUT_ERROR_CODES, parseFeedbackInput, parseSurveyInput } from '../bot/domain/feedback-input.js';
import { errorsOf, valueOf } from './harness/parse-results.js';

// Shaped like an Adaptive Card submission: strings, plus the action's own keys.
const valid = {
  requestId: 'r-1',
  topic: '',
  rating: '4',
  works: '  Asialista tuli ajoissa. ',
  change: 'Enemmän aikaa keskustelulle.',
  justification: '',
  proposal_0: ' Sähköinen ajanvaraus ',
  level_0: 'local',
  proposalJustification_0: 'Säästää puheluita.',
  proposal_1: '',
  level_1: 'national',
  proposalJustification_1: '',
  proposal_2: '',
  level_2: '',
  proposalJustification_2: '',
  anonymous: 'false',
};

const errorsFor = (patch: Record<string, unknown>) => errorsOf(parseFeedbackInput({ ...valid, ...patch }), patch);
const valueFor = (patch: Record<string, unknown>) => valueOf(parseFeedbackInput({ ...valid, ...patch }));

describe('parseFeedbackInput', () => {
  it('accepts a card submission: trims, drops a level left without a proposal, ignores other keys', () => {
    expect(parseFeedbackInput(valid)).toStrictEqual({
      ok: true,
      value: {
        rating: 4,
        works: 'Asialista tuli ajoissa.',
        change: 'Enemmän aikaa keskustelulle.',
        proposals: [{ text: 'Sähköinen ajanvaraus', level: 'local', justification: 'Säästää puheluita.' }],
        anonymous: false,
      },
    });
  });

  it('rating: required, a whole number from 1 to 5 (string or number)', () => {
    expect(errorsFor({ rating: '' })).toEqual([{ field: 'rating', code: 'required' }]);
    expect(errorsFor({ rating: undefined })).toEqual([{ field: 'rating', code: 'required' }]);
    expect(errorsFor({ rating: 'hyvä' })).toEqual([{ field: 'rating', code: 'not-integer' }]);
    expect(errorsFor({ rating: '3.5' })).toEqual([{ field: 'rating', code: 'not-integer' }]);
    expect(errorsFor({ rating: '0' })).toEqual([{ field: 'rating', code: 'out-of-range', params: { min: 1, max: 5 } }]);
    expect(errorsFor({ rating: '6' })).toEqual([{ field: 'rating', code: 'out-of-range', params: { min: 1, max: 5 } }]);
    expect(errorsFor({ rating: ['4'] })).toEqual([{ field: 'rating', code: 'not-integer' }]);
    expect(valueFor({ rating: 5 }).rating).toBe(5);
    expect(valueFor({ rating: ' 1 ', justification: 'Kutsu tuli liian myöhään.' }).rating).toBe(1);
  });

  it('texts: at most 2000 characters each, optional, non-strings refused', () => {
    const long = 'x'.repeat(2001);
    expect(valueFor({ works: 'x'.repeat(2000) }).works).toHaveLength(2000);
    expect(errorsFor({ works: long, change: long, justification: long })).toEqual([
      { field: 'works', code: 'too-long', params: { max: 2000 } },
      { field: 'change', code: 'too-long', params: { max: 2000 } },
      { field: 'justification', code: 'too-long', params: { max: 2000 } },
    ]);
    expect(errorsFor({ proposal_0: long, proposalJustification_0: long })).toEqual([
      { field: 'proposal_0', code: 'too-long', params: { max: 2000 } },
      { field: 'proposalJustification_0', code: 'too-long', params: { max: 2000 } },
    ]);
    expect(errorsFor({ works: 42 })).toEqual([{ field: 'works', code: 'invalid' }]);
    expect(valueFor({ works: '   ', change: undefined })).toMatchObject({ works: '', change: '' });
  });

  it('a rating of 1 or 2 needs a justification of at least 10 characters; 3–5 do not', () => {
    for (const rating of ['1', '2']) {
      expect(errorsFor({ rating, justification: '' })).toEqual([
        { field: 'justification', code: 'feedback-justification-required', params: { min: 10 } },
      ]);
      expect(errorsFor({ rating, justification: '  huono   ' })).toEqual([
        { field: 'justification', code: 'feedback-justification-too-short', params: { min: 10 } },
      ]);
      expect(valueFor({ rating, justification: ' Kutsu tuli liian myöhään. ' }).justification).toBe('Kutsu tuli liian myöhään.');
    }
    expect(valueFor({ rating: '2', justification: '0123456789' }).justification).toBe('0123456789');
    expect(valueFor({ rating: '3', justification: '' })).not.toHaveProperty('justification');
    expect(valueFor({ rating: '5', justification: 'ok' }).justification).toBe('ok');
  });

  it('a written proposal needs a level, local or national; a justification needs a proposal', () => {
    expect(errorsFor({ level_0: '' })).toEqual([{ field: 'level_0', code: 'required' }]);
    expect(errorsFor({ level_0: 'regional' })).toEqual([{ field: 'level_0', code: 'invalid' }]);
    expect(errorsFor({ proposal_1: '', proposalJustification_1: 'Koska.' })).toEqual([{ field: 'proposal_1', code: 'required' }]);
    const three = valueFor({ proposal_1: 'Lainsäädännön muutos', level_1: 'national', proposal_2: 'Lomake verkkoon', level_2: 'local' });
    expect(three.proposals).toEqual([
      { text: 'Sähköinen ajanvaraus', level: 'local', justification: 'Säästää puheluita.' },
      { text: 'Lainsäädännön muutos', level: 'national' },
      { text: 'Lomake verkkoon', level: 'local' },
    ]);
  });

  it('at most 3 proposals', () => {
    expect(errorsFor({ proposal_3: 'Neljäs ehdotus', level_3: 'local' })).toEqual([{ field: 'proposals', code: 'too-many', params: { max: 3 } }]);
    expect(valueFor({ proposal_3: '   ' }).proposals).toHaveLength(1);
  });

  it('anonymous: "true"/"false" from the toggle (or a boolean); missing is not anonymous; anything else refused', () => {
    expect(valueFor({ anonymous: 'true' }).anonymous).toBe(true);
    expect(valueFor({ anonymous: 'false' }).anonymous).toBe(false);
    expect(valueFor({ anonymous: true }).anonymous).toBe(true);
    expect(valueFor({ anonymous: undefined }).anonymous).toBe(false);
    expect(errorsFor({ anonymous: 'yes' })).toEqual([{ field: 'anonymous', code: 'invalid' }]);
  });

  it('reports every problem at once, and an empty or non-object submission as a missing rating', () => {
    expect(errorsFor({ rating: '1', justification: '', level_0: '', works: 'x'.repeat(2001), anonymous: 'maybe' })).toEqual([
      { field: 'works', code: 'too-long', params: { max: 2000 } },
      { field: 'anonymous', code: 'invalid' },
      { field: 'justification', code: 'feedback-justification-required', params: { min: 10 } },
      { field: 'level_0', code: 'required' },
    ]);
    expect(parseFeedbackInput(null)).toEqual({ ok: false, errors: [{ field: 'rating', code: 'required' }] });
    expect(parseFeedbackInput('rating=5')).toEqual({ ok: false, errors: [{ field: 'rating', code: 'required' }] });
  });

  it('uses only the documented error codes', () => {
    const results = [errorsFor({ rating: 'x', works: 1, proposal_3: 'y', level_0: 'z' })];
    for (const error of results.flat()) expect(FEEDBACK_INPUT_ERROR_CODES).toContain(error.code);
  });
});

describe('parseSurveyInput', () => {
  const ctx = { segments: ['municipalities', 'debt-counsellors'] };

  it('accepts a segment of the configuration, a topic and a cadence', () => {
    expect(parseSurveyInput({ segment: 'municipalities', topic: '  Asiakaspalvelu ', cadence: 'quarterly', verb: 'x' }, ctx)).toEqual({
      ok: true,
      value: { segment: 'municipalities', topic: 'Asiakaspalvelu', cadence: 'quarterly' },
    });
  });

  it('refuses a missing topic, an unknown segment or cadence, a too long topic', () => {
    expect(parseSurveyInput({}, ctx)).toEqual({
      ok: false,
      errors: [
        { field: 'segment', code: 'required' },
        { field: 'topic', code: 'required' },
        { field: 'cadence', code: 'required' },
      ],
    });
    expect(parseSurveyInput({ segment: 'banks', topic: 'x'.repeat(201), cadence: 'weekly' }, ctx)).toEqual({
      ok: false,
      errors: [
        { field: 'segment', code: 'unknown-segment', params: { value: 'banks' } },
        { field: 'topic', code: 'too-long', params: { max: 200 } },
        { field: 'cadence', code: 'invalid' },
      ],
    });
  });
});

describe('feedback texts and control characters', () => {
  it('keeps the line breaks of free texts, normalised, and drops control and direction characters', () => {
    const value = valueOf(
      parseFeedbackInput({ ...valid, works: 'Hyvä\r\nasialista\u202e', change: '\u0000Enemmän\taikaa', proposal_0: 'Ajan\u2066varaus\u2069', proposalJustification_0: 'Säästää\rpuheluita.' }),
    );
    expect(value.works).toBe('Hyvä\nasialista');
    expect(value.change).toBe('Enemmän aikaa');
    expect(value.proposals[0]).toEqual({ text: 'Ajanvaraus', level: 'local', justification: 'Säästää\npuheluita.' });
  });

  it('a free text that is nothing but control characters counts as empty', () => {
    const errors = errorsOf(parseFeedbackInput({ ...valid, rating: '1', justification: '\u202e\u0000 ' }), 'justification');
    expect(errors).toEqual([{ field: 'justification', code: 'feedback-justification-required', params: { min: 10 } }]);
  });

  it('refuses a survey topic with a line break or a direction override', () => {
    const ctx = { segments: ['municipalities'] };
    for (const topic of ['Ensimmäiset\nviikot', 'Ensimmäiset \u202eviikot']) {
      expect(errorsOf(parseSurveyInput({ segment: 'municipalities', topic, cadence: 'monthly' }, ctx), topic)).toEqual([
        { field: 'topic', code: 'control-characters' },
      ]);
    }
    expect(FEEDBACK_INPUT_ERROR_CODES).toContain('control-characters');
  });
});
