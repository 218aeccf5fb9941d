// Scenario tables as data, run by one generic test (CONVENTIONS.md 11): every published case and
// every further case from the same public sources goes through the core's report and must match
// the source's figures within the source's tolerance.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblem, reportFromJson } from '../src/core/index.js';
import { PUBLISHED_CASES, type PublishedCase } from './fixtures/published-cases.js';
import { PUBLIC_SOURCE_CASES } from './fixtures/public-source-cases.js';
import { pick, withinTolerance } from './support/report-path.js';

function check(fixture: PublishedCase): void {
  const report = reportFromJson(fixture.snapshot);
  assert.ok(report.ok, report.ok ? '' : report.error.map(formatProblem).join('\n'));
  for (const [path, want] of Object.entries(fixture.expect)) {
    const got = pick(report.value, path);
    if (typeof want === 'string' && /^-?\d/.test(want)) {
      assert.ok(withinTolerance(got, want, fixture.tolerance), `${path}: want ${want}, got ${JSON.stringify(got)}`);
    } else {
      assert.equal(got, want, path);
    }
  }
}

describe('published cases (spec/oracles.jsonl, re-expressed)', () => {
  for (const fixture of PUBLISHED_CASES) test(`${fixture.id}: ${fixture.source}`, () => check(fixture));
});

describe('further cases from the same public sources', () => {
  for (const fixture of PUBLIC_SOURCE_CASES) test(`${fixture.id}: ${fixture.source}`, () => check(fixture));
});
