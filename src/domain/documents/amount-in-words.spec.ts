import fc from 'fast-check';

import { AmountInWordsError, amountInWords, integerInWords, pluralForm } from './amount-in-words.js';

describe('amountInWords (Russian, as documents print the total)', () => {
  it.each([
    ['0.00', 'Ноль рублей 00 копеек'],
    ['1.01', 'Один рубль 01 копейка'],
    ['2.02', 'Два рубля 02 копейки'],
    ['5.05', 'Пять рублей 05 копеек'],
    ['11.11', 'Одиннадцать рублей 11 копеек'],
    ['21.21', 'Двадцать один рубль 21 копейка'],
    ['22.22', 'Двадцать два рубля 22 копейки'],
    ['112.14', 'Сто двенадцать рублей 14 копеек'],
    ['400', 'Четыреста рублей 00 копеек'],
    ['1400.00', 'Одна тысяча четыреста рублей 00 копеек'],
    ['2000.5', 'Две тысячи рублей 50 копеек'],
    ['5000.00', 'Пять тысяч рублей 00 копеек'],
    ['11000.00', 'Одиннадцать тысяч рублей 00 копеек'],
    ['21345.67', 'Двадцать одна тысяча триста сорок пять рублей 67 копеек'],
    ['1000000.00', 'Один миллион рублей 00 копеек'],
    ['2001001.00', 'Два миллиона одна тысяча один рубль 00 копеек'],
    ['15250.00', 'Пятнадцать тысяч двести пятьдесят рублей 00 копеек'],
    ['3000000000.00', 'Три миллиарда рублей 00 копеек'],
    [
      '999999999999999.99',
      'Девятьсот девяносто девять триллионов девятьсот девяносто девять миллиардов девятьсот девяносто девять миллионов девятьсот девяносто девять тысяч девятьсот девяносто девять рублей 99 копеек',
    ],
  ])('%s RUB → %s', (amount, words) => {
    expect(amountInWords(amount)).toBe(words);
  });

  it('spells tenge and US dollars with their own nouns', () => {
    expect(amountInWords('82500.00', 'KZT')).toBe('Восемьдесят две тысячи пятьсот тенге 00 тиын');
    expect(amountInWords('181.01', 'USD')).toBe('Сто восемьдесят один доллар США 01 цент');
    expect(amountInWords('3.02', 'USD')).toBe('Три доллара США 02 цента');
  });

  it.each(['-1.00', '1.001', '1e3', '', ' 1', 'NaN', '1000000000000000.00'])(
    'refuses %j: a non-negative decimal string with at most two decimals',
    (amount) => {
      expect(() => amountInWords(amount)).toThrow(AmountInWordsError);
    },
  );

  it('refuses an unknown currency', () => {
    expect(() => amountInWords('1.00', 'EUR')).toThrow(AmountInWordsError);
  });

  it('plural forms follow the last two digits', () => {
    const forms = ['рубль', 'рубля', 'рублей'] as const;
    expect([1, 2, 4, 5, 11, 12, 14, 21, 101, 111, 112, 122].map((n) => pluralForm(n, forms))).toEqual([
      'рубль',
      'рубля',
      'рубля',
      'рублей',
      'рублей',
      'рублей',
      'рублей',
      'рубль',
      'рубль',
      'рублей',
      'рублей',
      'рубля',
    ]);
  });

  it('every whole number up to a billion is spelled without gaps, doubled spaces or leftover digits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.integer({ min: 0, max: 99 }),
        (whole, kopecks) => {
          const minor = String(kopecks).padStart(2, '0');
          const words = amountInWords(`${whole}.${minor}`);
          expect(words).toMatch(/^[А-ЯЁ][а-яё ]+ (рубль|рубля|рублей) \d\d (копейка|копейки|копеек)$/);
          expect(words).not.toMatch(/ {2}/);
          expect(words.endsWith(`${minor} ${pluralForm(kopecks, ['копейка', 'копейки', 'копеек'])}`)).toBe(
            true,
          );
          expect(integerInWords(String(whole), 'feminine').split(' ').length).toBeGreaterThan(0);
        },
      ),
    );
  });
});
