// "language fi|sv|en": a registered partner picks the language Sidos uses with
// them, in replies and in invitations and e-mails alike (see languageOf in
// services/people.ts). Staff follow their Teams language and have no command.
import { LOCALES, type Locale } from '../domain/types.js';
import { translator } from '../i18n.js';
import { setPartnerLanguage } from '../services/partners.js';
import type { Feature, Turn } from './router.js';

const isLocale = (word: string): word is Locale => (LOCALES as readonly string[]).includes(word);

async function changeLanguage(turn: Turn, args: string): Promise<string> {
  const { partner } = turn.user;
  if (!partner) return turn.t('language.notRegistered');
  const chosen = args.toLowerCase();
  if (!isLocale(chosen)) return turn.t('language.usage');
  const result = await setPartnerLanguage(turn.deps.records, partner.id, chosen, turn.deps.clock());
  // Removed from the register meanwhile: as if never registered.
  return result.ok ? translator(chosen)('language.changed') : turn.t('language.notRegistered');
}

export const languageFeature: Feature = {
  commands: [
    {
      name: 'language',
      words: 'language',
      roles: ['partner'],
      handle: changeLanguage,
    },
  ],
};
