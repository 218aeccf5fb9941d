// Every example simulation in examples/sim runs (with fewer paths here), and says what
// examples/sim/README.md says it shows. Examples that read ../shared/data/history skip without it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT, assertNoCrash, stopout } from './support/run-cli.js';

const DIRECTORY = join(REPO_ROOT, 'examples', 'sim');
const PATHS = '4000';

interface Variant {
  readonly name: string;
  readonly probabilities: Record<'marginCall' | 'liquidation' | 'negativeBalance' | 'debt', string>;
  readonly loss: Record<'mean' | 'var95' | 'es95' | 'var99' | 'es99', string>;
  readonly debt: Record<'mean' | 'max', string>;
  readonly venueLoss: { readonly mean: string };
}

function simulate(file: string): readonly Variant[] {
  const replay = readFileSync(join(DIRECTORY, file), 'utf8').includes('"replay"');
  const run = stopout(['simulate', join(DIRECTORY, file), '--json', ...(replay ? [] : ['--paths', PATHS]), '--workers', '2']);
  assertNoCrash(run);
  assert.equal(run.status, 0, run.stderr);
  const results = JSON.parse(run.stdout) as { variants: Variant[] };
  const written = JSON.parse(readFileSync(join(DIRECTORY, file), 'utf8')) as { variants?: { name: string }[] };
  assert.deepEqual(results.variants.map((variant) => variant.name), ['base', ...(written.variants ?? []).map((variant) => variant.name)]);
  for (const variant of results.variants) {
    const p = (name: keyof Variant['probabilities']): number => Number(variant.probabilities[name]);
    for (const name of ['marginCall', 'liquidation', 'negativeBalance', 'debt'] as const) assert.ok(p(name) >= 0 && p(name) <= 1, `${variant.name}: ${name}`);
    assert.ok(p('debt') <= p('negativeBalance'), `${variant.name}: a debt is a negative balance the client keeps`);
    assert.ok(Number(variant.loss.var95) <= Number(variant.loss.var99) && Number(variant.loss.var99) <= Number(variant.loss.es99), `${variant.name}: VaR 95 <= VaR 99 <= ES 99`);
  }
  return results.variants;
}

const byName = (variants: readonly Variant[], name: string): Variant => {
  const found = variants.find((variant) => variant.name === name);
  assert.ok(found, `variant ${name}`);
  return found;
};
const chance = (variant: Variant, name: keyof Variant['probabilities']): number => Number(variant.probabilities[name]);

const needsHistory = (file: string): boolean => readFileSync(join(DIRECTORY, file), 'utf8').includes('shared/data/history');
const HISTORY = existsSync(join(REPO_ROOT, '..', 'shared', 'data', 'history'));

const CLAIMS: Readonly<Record<string, (variants: readonly Variant[]) => void>> = {
  'eurusd-100x.json': (variants) => {
    const [base, nbp, close, addFunds] = ['base', 'with NBP', 'close on the call', 'add $500 on the call'].map((name) => byName(variants, name)) as [Variant, Variant, Variant, Variant];
    assert.ok(chance(base, 'debt') > 0, 'without protection some paths end in debt');
    assert.equal(chance(nbp, 'debt'), 0, 'with protection none do');
    assert.ok(Number(nbp.venueLoss.mean) > 0, 'the broker absorbs what the gaps leave');
    assert.ok(chance(close, 'liquidation') < chance(base, 'liquidation'), 'closing on the call avoids most stop-outs');
    assert.ok(chance(addFunds, 'liquidation') < chance(base, 'liquidation'), 'adding funds puts the stop-out further away');
  },
  'seed-500-at-75-nbp.json': (variants) => {
    assert.equal(chance(byName(variants, 'base'), 'debt'), 0);
    assert.ok(Number(byName(variants, 'base').loss.es99) <= 500, 'with protection the client loses at most the deposit');
    assert.ok(chance(byName(variants, 'without NBP'), 'debt') > 0);
  },
  'seed-1000-at-100-debt.json': (variants) => {
    assert.ok(chance(byName(variants, 'base'), 'debt') > 0);
    assert.ok(Number(byName(variants, 'base').loss.es99) > 1000, 'without protection the worst losses exceed the deposit');
    assert.equal(chance(byName(variants, 'with NBP'), 'debt'), 0);
  },
  'btc-10x-vs-50x.json': (variants) => {
    assert.ok(chance(byName(variants, '50x, same position'), 'liquidation') > chance(byName(variants, 'base'), 'liquidation') + 0.3);
    assert.ok(Number(byName(variants, '50x, same position').loss.es99) <= 300, 'an isolated position loses at most its margin');
  },
  'stop-loss-vs-none.json': (variants) => {
    const stop = byName(variants, 'stop at 30 % of the balance');
    assert.equal(chance(stop, 'liquidation'), 0, 'the stop closes the position before the stop-out');
    assert.ok(chance(stop, 'debt') > 0, 'but a gap fills it past the stop, sometimes below zero');
    assert.ok(chance(stop, 'debt') < chance(byName(variants, 'base'), 'debt'), 'less often than without it');
  },
  'isolated-vs-cross.json': (variants) => {
    const isolated = byName(variants, 'isolated, 3 000 margin');
    assert.ok(chance(isolated, 'liquidation') > chance(byName(variants, 'base'), 'liquidation'));
    assert.ok(Number(isolated.loss.es99) <= 3000 && Number(byName(variants, 'base').loss.es99) > 3000);
  },
  'leverage-sweep.json': (variants) => {
    const liquidation = variants.map((variant) => chance(variant, 'liquidation'));
    for (let i = 1; i < liquidation.length; i++) assert.ok((liquidation[i] as number) >= (liquidation[i - 1] as number), `liquidation rises with leverage: ${liquidation.join(', ')}`);
  },
  'btc-bootstrap-daily.json': (variants) => {
    assert.ok(chance(byName(variants, '20x'), 'liquidation') > chance(byName(variants, 'base'), 'liquidation'));
  },
  'btc-2021-05-19-replay.json': (variants) => {
    for (const variant of variants) assert.equal(chance(variant, 'liquidation'), 1, `${variant.name} is liquidated on 19 May 2021`);
  },
};

describe('examples/sim: every simulation runs and shows what its README says', () => {
  const files = readdirSync(DIRECTORY).filter((file) => file.endsWith('.json')).sort();
  test('every example has its claims checked here', () => {
    assert.deepEqual(files, Object.keys(CLAIMS).sort());
  });
  for (const file of files) {
    const skip = needsHistory(file) && !HISTORY ? 'needs ../shared/data/history, absent here' : false;
    test(file, { skip }, () => {
      const claim = CLAIMS[file];
      assert.ok(claim, `claims for ${file}`);
      claim(simulate(file));
    });
  }
});
