// Building blocks of the schemas for card actions' `data`, parsed in app.ts
// before a handler runs. A schema names every field its handler reads: ids and
// choices the card itself put there strictly, form inputs as the text typed
// (the domain's input parsers check those and answer field by field).
import { z } from 'zod';

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
