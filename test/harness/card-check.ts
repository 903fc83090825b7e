// Checks a card the way Teams would take it: the adaptivecards library parses
// and validates it, nothing is left unbound, and its version is 1.5 or lower.
import { AdaptiveCard, SerializationContext, ValidationResults } from 'adaptivecards';

export function checkCard(card: object): string[] {
  const problems: string[] = [];
  const json = JSON.stringify(card);
  const unbound = json.match(/\$\{[^}]*\}/g);
  if (unbound) problems.push(`unresolved ${unbound.join(', ')}`);
  const version = String((card as { version?: string }).version ?? '');
  if (!/^1\.[0-5]$/.test(version)) problems.push(`version ${version} is not 1.0–1.5`);
  const context = new SerializationContext();
  const parsed = new AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  const validation: ValidationResults = parsed.validateProperties();
  for (const event of validation.validationEvents) problems.push(`validate: ${event.message}`);
  return problems;
}
