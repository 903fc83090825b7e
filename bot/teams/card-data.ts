// Schemas for the `data` of card actions, parsed in app.ts before a handler runs.
// Form fields stay as sent (passthrough): the domain's input parsers check them
// and answer field by field; what a schema here names is what the card itself put there.
import { z } from 'zod';

/** Any card data: the handler's own input parser checks every field. */
export const formData = z.record(z.unknown());

/** An id the card was rendered with. */
export const cardId = z.string().min(1);

/** The page a pager button asks for (pager.ts clamps it). */
export const page = z.unknown();

/** Card data with the given fields checked and every other field kept as sent. */
export const cardData = <Shape extends z.ZodRawShape>(shape: Shape) => z.object(shape).passthrough();

/**
 * A form input as the card sent it: Teams sends inputs as strings (a number is
 * taken as its text), and leaves out an input that was never filled in.
 */
export const formText = z.union([z.string(), z.number().transform(String)]).default('');
