// Unwrapping what the card input parsers return: { ok: true, value } or { ok: false, errors }.
type Parsed<V, E> = { ok: true; value: V } | { ok: false; errors: E[] };

/** The errors of a submission the test expects to be refused; `submitted` names it if it was accepted. */
export function errorsOf<V, E>(result: Parsed<V, E>, submitted: unknown): E[] {
  if (result.ok) throw new Error(`expected errors for ${JSON.stringify(submitted)}`);
  return result.errors;
}

/** The value of a submission the test expects to be accepted. */
export function valueOf<V, E>(result: Parsed<V, E>): V {
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}
