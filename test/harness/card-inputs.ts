// Reading a card the way Teams does: its inputs' current values and its buttons.
type Card = Record<string, any>;

function walk(node: unknown, visit: (n: Record<string, any>) => void): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit));
  if (node && typeof node === 'object') {
    visit(node as Record<string, any>);
    Object.values(node).forEach((n) => walk(n, visit));
  }
}

/** The values the card's inputs hold, as Teams sends them (strings). */
export function inputsOf(card: Card): Record<string, string> {
  const values: Record<string, string> = {};
  walk(card, (n) => {
    if (typeof n.type === 'string' && n.type.startsWith('Input.') && n.id) values[n.id] = n.value == null ? '' : String(n.value);
  });
  return values;
}

/** The Input elements of a card by id, to check how they are offered (choices, labels, flags). */
export function inputElements(card: unknown): Map<string, any> {
  const found = new Map<string, any>();
  walk(card, (n) => {
    if (typeof n.type === 'string' && n.type.startsWith('Input.')) found.set(n.id, n);
  });
  return found;
}

/** The Action.Execute buttons of a card, only those with this verb if one is given. */
export function executeActions(card: Card, verb?: string): Record<string, any>[] {
  const found: Record<string, any>[] = [];
  walk(card, (n) => {
    if (n.type === 'Action.Execute' && (verb === undefined || n.verb === verb)) found.push(n);
  });
  return found;
}

/** What pressing the button sends: the action's data plus every input, with `typed` changes. */
export function submission(card: Card, verb: string, typed: Record<string, string> = {}, index = 0): Record<string, unknown> {
  const action = executeActions(card, verb)[index];
  if (!action) throw new Error(`the card has no ${verb} button`);
  return { ...(action.data ?? {}), ...inputsOf(card), ...typed };
}

/** What the feedback card sends on submit: every input, most of them empty, with `fields` filled in. */
export const feedbackSubmission = (requestId: string, fields: Record<string, string>) => ({
  requestId,
  topic: '',
  rating: '',
  works: '',
  change: '',
  justification: '',
  ...Object.fromEntries([0, 1, 2].flatMap((n) => [[`proposal_${n}`, ''], [`level_${n}`, ''], [`proposalJustification_${n}`, '']])),
  anonymous: 'false',
  ...fields,
});
