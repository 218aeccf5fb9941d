import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addBusinessDays, formatInstant, parseInstant } from './instant.js';

test('ISO times parse to the same milliseconds as the platform clock would give', () => {
  for (const text of ['1970-01-01T00:00:00Z', '2015-01-15T09:30:00Z', '2016-10-07T00:07:00.250Z', '2020-02-29T23:59:59Z', '1987-10-19', '2100-03-01T12:00:00+05:30', '1969-12-31T23:00:00-02:00']) {
    assert.equal(parseInstant(text)?.ms, Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text), text);
  }
});

test('formatting inverts parsing, at millisecond resolution', () => {
  for (const ms of [0, 1_421_314_200_000, 1_475_798_820_250, 951_782_399_999, -86_400_000]) {
    const text = formatInstant(ms);
    assert.equal(text, new Date(ms).toISOString().replace('.000Z', 'Z'));
    assert.equal(parseInstant(text)?.ms, ms);
  }
});

test('impossible or malformed times are refused', () => {
  for (const text of ['2015-02-29', '2015-13-01', '2015-01-15T24:00:00Z', '2015-01-15T09:60', '15/01/2015', '2015-01-15T09:30:00+25:00', '']) {
    assert.equal(parseInstant(text), undefined, text);
  }
});

test('business days skip the weekend: a Friday call with two days to cure is due on Tuesday', () => {
  const friday = parseInstant('2015-01-16T15:00:00Z')?.ms ?? 0;
  assert.equal(formatInstant(addBusinessDays(friday, 2)), '2015-01-20T15:00:00Z');
  const wednesday = parseInstant('2015-01-14T15:00:00Z')?.ms ?? 0;
  assert.equal(formatInstant(addBusinessDays(wednesday, 2)), '2015-01-16T15:00:00Z');
  const saturday = parseInstant('2015-01-17T10:00:00Z')?.ms ?? 0;
  assert.equal(formatInstant(addBusinessDays(saturday, 1)), '2015-01-19T10:00:00Z');
});
