/**
 * An amount in Russian words, as accounting documents print it under the totals (rules §8–9):
 * "Одна тысяча четыреста рублей 00 копеек". The whole units are spelled out (with the right gender and
 * plural form), the minor units stay two digits. Pure: the amount is a decimal string, never a float.
 */
import { DomainError } from '../shared/errors.js';

type Gender = 'masculine' | 'feminine';
/** Word forms for 1, 2–4 and 5+ (один рубль, два рубля, пять рублей). */
type Forms = readonly [one: string, few: string, many: string];

interface Noun {
  readonly gender: Gender;
  readonly forms: Forms;
}

interface CurrencyWords {
  readonly major: Noun;
  readonly minor: Noun;
}

const CURRENCY_WORDS: Readonly<Record<string, CurrencyWords>> = {
  RUB: {
    major: { gender: 'masculine', forms: ['рубль', 'рубля', 'рублей'] },
    minor: { gender: 'feminine', forms: ['копейка', 'копейки', 'копеек'] },
  },
  KZT: {
    major: { gender: 'masculine', forms: ['тенге', 'тенге', 'тенге'] },
    minor: { gender: 'masculine', forms: ['тиын', 'тиын', 'тиын'] },
  },
  USD: {
    major: { gender: 'masculine', forms: ['доллар США', 'доллара США', 'долларов США'] },
    minor: { gender: 'masculine', forms: ['цент', 'цента', 'центов'] },
  },
};

const ONES: Readonly<Record<Gender, readonly string[]>> = {
  masculine: ['', 'один', 'два', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'],
  feminine: ['', 'одна', 'две', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'],
};
const TEENS = [
  'десять',
  'одиннадцать',
  'двенадцать',
  'тринадцать',
  'четырнадцать',
  'пятнадцать',
  'шестнадцать',
  'семнадцать',
  'восемнадцать',
  'девятнадцать',
];
const TENS = [
  '',
  '',
  'двадцать',
  'тридцать',
  'сорок',
  'пятьдесят',
  'шестьдесят',
  'семьдесят',
  'восемьдесят',
  'девяносто',
];
const HUNDREDS = [
  '',
  'сто',
  'двести',
  'триста',
  'четыреста',
  'пятьсот',
  'шестьсот',
  'семьсот',
  'восемьсот',
  'девятьсот',
];

/** Thousands, millions, billions, trillions: the scale words of each group of three digits. */
const SCALES: readonly Noun[] = [
  { gender: 'feminine', forms: ['тысяча', 'тысячи', 'тысяч'] },
  { gender: 'masculine', forms: ['миллион', 'миллиона', 'миллионов'] },
  { gender: 'masculine', forms: ['миллиард', 'миллиарда', 'миллиардов'] },
  { gender: 'masculine', forms: ['триллион', 'триллиона', 'триллионов'] },
];

const AMOUNT = /^(\d+)(?:\.(\d{1,2}))?$/;

export class AmountInWordsError extends DomainError {
  override readonly name = 'AmountInWordsError';
  readonly code = 'AMOUNT_IN_WORDS_INVALID';
  constructor(readonly amount: string) {
    super(
      `amount ${JSON.stringify(amount)}: expected a non-negative decimal with at most two decimals, ` +
        `below one quadrillion`,
    );
  }
}

/** The form of a noun after a number given as its last (up to) three digits: 1 рубль, 3 рубля, 11 рублей. */
export function pluralForm(lastDigits: number, forms: Forms): string {
  const lastTwo = lastDigits % 100;
  const last = lastDigits % 10;
  if (lastTwo >= 11 && lastTwo <= 14) return forms[2];
  if (last === 1) return forms[0];
  if (last >= 2 && last <= 4) return forms[1];
  return forms[2];
}

/** 0–999 in words ('' for 0), in the gender of the noun that follows. */
function triadInWords(triad: number, gender: Gender): string[] {
  const words: string[] = [];
  const hundreds = Math.floor(triad / 100);
  const rest = triad % 100;
  if (hundreds > 0) words.push(HUNDREDS[hundreds]!);
  if (rest >= 10 && rest < 20) {
    words.push(TEENS[rest - 10]!);
  } else {
    if (rest >= 20) words.push(TENS[Math.floor(rest / 10)]!);
    if (rest % 10 > 0) words.push(ONES[gender][rest % 10]!);
  }
  return words;
}

/** A whole number (as digits) in words, in the gender of the noun that follows: '2' → 'два'. */
export function integerInWords(digits: string, gender: Gender = 'masculine'): string {
  const trimmed = digits.replace(/^0+(?=\d)/, '');
  if (!/^\d+$/.test(trimmed) || trimmed.length > 3 * (SCALES.length + 1)) {
    throw new AmountInWordsError(digits);
  }
  if (/^0+$/.test(trimmed)) return 'ноль';
  // Groups of three digits from the lowest: [units, thousands, millions, …].
  const groups: number[] = [];
  for (let end = trimmed.length; end > 0; end -= 3) {
    groups.push(Number(trimmed.slice(Math.max(0, end - 3), end)));
  }
  const words: string[] = [];
  for (let index = groups.length - 1; index >= 0; index -= 1) {
    const triad = groups[index]!;
    if (triad === 0) continue;
    if (index === 0) {
      words.push(...triadInWords(triad, gender));
    } else {
      const scale = SCALES[index - 1]!;
      words.push(...triadInWords(triad, scale.gender), pluralForm(triad, scale.forms));
    }
  }
  return words.join(' ');
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * '1400.00' (RUB) → 'Одна тысяча четыреста рублей 00 копеек'. Accepts a non-negative decimal string with
 * up to two decimals; KZT and USD use тенге/тиын and доллар США/цент.
 */
export function amountInWords(amount: string, currency: string = 'RUB'): string {
  const match = AMOUNT.exec(amount);
  const words = CURRENCY_WORDS[currency];
  if (!match || !words)
    throw new AmountInWordsError(currency in CURRENCY_WORDS ? amount : `${amount} ${currency}`);
  const whole = match[1]!;
  const minor = (match[2] ?? '').padEnd(2, '0');
  const spelled = integerInWords(whole, words.major.gender);
  const lastThree = Number(whole.slice(-3));
  const major = pluralForm(lastThree, words.major.forms);
  const minorWord = pluralForm(Number(minor), words.minor.forms);
  return `${capitalised(spelled)} ${major} ${minor} ${minorWord}`;
}
