// Checks a card the way Teams would take it: the adaptivecards library parses
// and validates it, nothing is left unbound, and its version is 1.5 or lower.
// The library does not know Teams' chart elements, so the check registers
// them with their required data; each chart must also carry a fallback, and
// the card must parse without the chart elements too (a client without
// charts shows the fallbacks).
import {
  AdaptiveCard,
  CardElement,
  CardObjectRegistry,
  GlobalRegistry,
  SerializationContext,
  ValidationEvent,
  ValidationResults,
  type PropertyBag,
} from 'adaptivecards';

const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const nonEmpty = (v: unknown): v is any[] => Array.isArray(v) && v.length > 0;
/** Series of {x, y} points, each named by a legend. */
const series = (data: unknown) =>
  nonEmpty(data) && data.every((s) => typeof s?.legend === 'string' && nonEmpty(s.values) && s.values.every((p: any) => ['string', 'number'].includes(typeof p?.x) && isNumber(p.y)));

/** Teams' chart elements the cards use, with what each must have in its data. */
const CHARTS: Record<string, (data: unknown) => boolean> = {
  'Chart.Line': series,
  'Chart.VerticalBar.Grouped': series,
  'Chart.Donut': (data) => nonEmpty(data) && data.every((d) => typeof d?.legend === 'string' && isNumber(d.value) && d.value >= 0),
};

function chartElement(typeName: string, validData: (data: unknown) => boolean): new () => CardElement {
  return class Chart extends CardElement {
    private source: PropertyBag = {};
    getJsonTypeName(): string {
      return typeName;
    }
    protected override internalParse(source: PropertyBag, context: SerializationContext): void {
      super.internalParse(source, context);
      this.source = source;
    }
    // Only parsed and validated here, never drawn.
    protected internalRender(): undefined {
      return undefined;
    }
    override internalValidateProperties(results: ValidationResults): void {
      super.internalValidateProperties(results);
      if (!validData(this.source.data)) results.addFailure(this, ValidationEvent.InvalidPropertyValue, `${typeName} has no valid data`);
      if (this.source.fallback === undefined) results.addFailure(this, ValidationEvent.PropertyCantBeNull, `${typeName} has no fallback`);
    }
  };
}

const withCharts = new CardObjectRegistry<CardElement>();
GlobalRegistry.populateWithDefaultElements(withCharts);
for (const [typeName, validData] of Object.entries(CHARTS)) withCharts.register(typeName, chartElement(typeName, validData));

function problemsOf(card: object, elements: CardObjectRegistry<CardElement> | undefined, label: string): string[] {
  const problems: string[] = [];
  const context = new SerializationContext();
  context.setElementRegistry(elements);
  const parsed = new AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`${label}parse: ${context.getEventAt(i).message}`);
  const validation: ValidationResults = parsed.validateProperties();
  for (const event of validation.validationEvents) problems.push(`${label}validate: ${event.message}`);
  return problems;
}

export function checkCard(card: object): string[] {
  const problems: string[] = [];
  const json = JSON.stringify(card);
  const unbound = json.match(/\$\{[^}]*\}/g);
  if (unbound) problems.push(`unresolved ${unbound.join(', ')}`);
  const version = String((card as { version?: string }).version ?? '');
  if (!/^1\.[0-5]$/.test(version)) problems.push(`version ${version} is not 1.0–1.5`);
  problems.push(...problemsOf(card, withCharts, ''));
  if (Object.keys(CHARTS).some((type) => json.includes(`"type":"${type}"`))) problems.push(...problemsOf(withoutCharts(card), undefined, 'without charts: '));
  return problems;
}

/** The card as a client without chart elements would take it: every chart replaced by its fallback (or dropped). */
export function withoutCharts(card: object): object {
  const replace = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.flatMap((item) => (isChart(item) ? fallbackOf(item) : [replace(item)]));
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, replace(v)]));
    return node;
  };
  const isChart = (item: unknown) => typeof (item as { type?: unknown })?.type === 'string' && (item as { type: string }).type in CHARTS;
  const fallbackOf = (item: any) => (item.fallback === 'drop' || item.fallback === undefined ? [] : [replace(item.fallback)]);
  return replace(card) as object;
}
