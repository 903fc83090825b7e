// The data the plan cards send, as their actions' schemas parse it. The form
// inputs stay text: parsePlanInput, parseDateEdits and parsePlanEdit check
// them field by field; what the card itself put there (ids) is checked here.
import { z } from 'zod';
import { cardData, cardId, formText } from './card-data.js';
import { PLAN_FORM_FIELDS, type DateRow, type PlanFormValues } from './plan-cards.js';

/** A meeting row's input: `date_<n>` or `subTheme_<n>`. */
const ROW_INPUT = /^(date|subTheme)_\d+$/;

/**
 * Card data with the named fields and the meeting rows' inputs (as many as
 * the card has), each a form input; `rows` lists them in order, up to the
 * first row without a sub-theme. (Could move to card-data.ts if another card gets numbered rows.)
 */
function withRows<Shape extends z.ZodRawShape>(shape: Shape) {
  return cardData(shape).transform((data, ctx) => {
    const inputs: Record<string, string> = {};
    for (const [key, value] of Object.entries(data)) {
      if (!ROW_INPUT.test(key)) continue;
      const parsed = formText.safeParse(value);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'not a form input' });
        return z.NEVER;
      }
      inputs[key] = parsed.data;
    }
    const rows: DateRow[] = [];
    for (let n = 0; `subTheme_${n}` in inputs; n++) rows.push({ date: inputs[`date_${n}`] ?? '', subTheme: inputs[`subTheme_${n}`] });
    return { ...data, ...inputs, rows };
  });
}

/** The plan form's inputs and the year it plans. */
const planShape = {
  year: formText,
  ...(Object.fromEntries(PLAN_FORM_FIELDS.map((field) => [field, formText])) as Record<keyof PlanFormValues, typeof formText>),
};

export const planFormData = cardData(planShape);
export type PlanFormData = z.infer<typeof planFormData>;
/** The preview's buttons: the plan as planData put it (checked again at every step) and the rows' inputs. */
export const planPreviewData = withRows({ plan: z.object(planShape) });
export type PlanPreviewData = z.infer<typeof planPreviewData>;
export const planIdData = cardData({ planId: cardId });
export type PlanIdData = z.infer<typeof planIdData>;
/** The re-opened plan: its inputs, and the meetings its rows were made for. */
export const planEditData = withRows({
  planId: cardId,
  meetingIds: z.array(cardId),
  theme: formText,
  segments: formText,
  place: formText,
  onlineUrl: formText,
});
export type PlanEditData = z.infer<typeof planEditData>;
