/**
 * The sign checks give what big.js's own comparisons with '0' give (`gt`, `lt`, `eq`, `cmp`), on decimals
 * as texts and as results of arithmetic (zeros reached by subtraction and rounding, negative zero, values
 * of either constructor) — the usage charge's decision and evolution take them instead (issue 18).
 */
import Big from 'big.js';
import fc from 'fast-check';
import { Decimal } from './decimal.js';
import { isNegative, isPositive, isZero, signOf } from './sign.js';

/** Decimal text: sign, up to 12 integer digits (leading zeros too), up to 8 fraction digits. */
const decimalText = fc
  .tuple(
    fc.constantFrom('', '-'),
    fc.stringMatching(/^[0-9]{1,12}$/),
    fc.option(fc.stringMatching(/^[0-9]{1,8}$/), { nil: undefined }),
  )
  .map(([sign, whole, fraction]) => `${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}`);

const zeroText = fc.constantFrom('0', '-0', '0.0', '-0.000', '000', '0e5', '-0e-3', '0.00000000');

const decimal = fc.oneof(decimalText, zeroText).chain((text) =>
  fc.constantFrom(
    new Big(text),
    new Decimal(text),
    // Zeros and near-zeros as arithmetic leaves them.
    new Big(text).minus(text),
    new Big(text).neg(),
    new Big(text).times('0'),
    new Big(text).round(2, Big.roundHalfUp),
    new Big(text).round(0, Big.roundDown),
    new Big(text).div('1000000').round(4, Big.roundDown),
  ),
);

function expectSameAsBigJs(x: Big): void {
  expect(isPositive(x)).toBe(x.gt('0'));
  expect(isNegative(x)).toBe(x.lt('0'));
  expect(isZero(x)).toBe(x.eq('0'));
  expect(signOf(x)).toBe(x.cmp('0'));
}

describe('sign checks (without a zero to compare with)', () => {
  it("agree with big.js's comparisons with '0' on random decimals and what arithmetic makes of them", () => {
    fc.assert(fc.property(decimal, expectSameAsBigJs), { numRuns: 5_000 });
  });

  it('agree on the edges: zeros of every form, the smallest amounts, negative zero', () => {
    for (const text of ['0', '-0', '0.000', '-0.0000', '0.000001', '-0.000001', '1e-30', '-1e-30', '1e+30'])
      expectSameAsBigJs(new Big(text));
    expectSameAsBigJs(new Big('5').minus('5'));
    expectSameAsBigJs(new Big('-5').plus('5'));
    expectSameAsBigJs(new Big('-0.004').round(2, Big.roundHalfUp));
    expectSameAsBigJs(new Big('0.1').times('-0'));
  });
});
