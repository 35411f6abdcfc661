import { create } from '@bufbuild/protobuf';
import { validate } from '@minipilot/envoy-api';
import { checkNumber, checkString, checkEnum, checkBytes, compare, checkOrdered } from './pgv-scalars.js';
import { isIpv4, isIpv6, isHostname, headerRegex } from './well-known.js';
import { coreV3 } from '@minipilot/envoy-api';

const r = (p: { rule: string }[]) => p.map((x) => x.rule);

describe('PGV scalar rules', () => {
  it('treats a lower bound above the upper bound as an exclusive range, as PGV defines it', () => {
    const normal = create(validate.UInt32RulesSchema, { gte: 10, lte: 20 });
    expect(r(checkNumber('uint32', 9, normal))).toEqual(['uint32.gte']);
    expect(r(checkNumber('uint32', 21, normal))).toEqual(['uint32.lte']);
    expect(checkNumber('uint32', 10, normal)).toEqual([]);
    const reversed = create(validate.Int32RulesSchema, { gt: 20, lt: 10 });
    expect(checkNumber('int32', 5, reversed)).toEqual([]);
    expect(checkNumber('int32', 25, reversed)).toEqual([]);
    expect(r(checkNumber('int32', 15, reversed))).toEqual(['int32.gt_lt']);
  });

  it('distinguishes an unset bound from a zero bound (proto2 presence)', () => {
    expect(r(checkNumber('uint32', 0, create(validate.UInt32RulesSchema, { gt: 0 })))).toEqual(['uint32.gt']);
    expect(checkNumber('uint32', 0, create(validate.UInt32RulesSchema, {}))).toEqual([]);
  });

  it('compares 64-bit values as bigints', () => {
    expect(r(checkNumber('uint64', 5000012n, create(validate.UInt64RulesSchema, { lte: 5000011n })))).toEqual(['uint64.lte']);
    expect(compare(2n, 3)).toBe(-1);
    expect(r(checkOrdered('x', 3, new Map<string, number | number[]>([['in', [1, 2]], ['not_in', [3]]]), compare, String))).toEqual(['x.in', 'x.not_in']);
  });

  it('checks string lengths in characters and bytes, prefixes, membership and ignore_empty', () => {
    expect(r(checkString('é', create(validate.StringRulesSchema, { maxLen: 1n, maxBytes: 1n })))).toEqual(['string.max_bytes']);
    expect(r(checkString('abc', create(validate.StringRulesSchema, { prefix: 'x', suffix: 'c', contains: 'q', in: ['a'] })))).toEqual(['string.prefix', 'string.contains', 'string.in']);
    expect(checkString('', create(validate.StringRulesSchema, { minLen: 1n, ignoreEmpty: true }))).toEqual([]);
    expect(r(checkString('a/', create(validate.StringRulesSchema, { pattern: '^[^?#]+[^?#/]$' })))).toEqual(['string.pattern']);
  });

  it('applies the strict and loose HTTP header regexes', () => {
    const strictName = create(validate.StringRulesSchema, { wellKnown: { case: 'wellKnownRegex', value: validate.KnownRegex.HTTP_HEADER_NAME } });
    expect(checkString('x-user', strictName)).toEqual([]);
    expect(r(checkString('x user', strictName))).toEqual(['string.well_known_regex']);
    const loose = create(validate.StringRulesSchema, { wellKnown: { case: 'wellKnownRegex', value: validate.KnownRegex.HTTP_HEADER_NAME }, strict: false });
    expect(checkString('x user', loose)).toEqual([]);
    expect(headerRegex(2, true)!.test('a\tb')).toBe(true);
    expect(headerRegex(2, true)!.test('a\u0001b')).toBe(false);
  });

  it('checks the well-known address formats', () => {
    expect([isIpv4('10.0.0.1'), isIpv4('10.0.0.256'), isIpv4('01.0.0.1')]).toEqual([true, false, false]);
    expect([isIpv6('::'), isIpv6('fd00::1'), isIpv6('::ffff:10.0.0.1'), isIpv6('1:2:3:4:5:6:7:8'), isIpv6('1::2::3'), isIpv6('1:2:3:4:5:6:7:8:9')]).toEqual([true, true, true, true, false, false]);
    expect([isHostname('reviews.default.svc.cluster.local'), isHostname('-bad.example'), isHostname('')]).toEqual([true, false, false]);
    expect(r(checkString('not-an-ip', create(validate.StringRulesSchema, { wellKnown: { case: 'ip', value: true } })))).toEqual(['string.ip']);
    expect(r(checkBytes(new Uint8Array(5), create(validate.BytesRulesSchema, { wellKnown: { case: 'ipv4', value: true } })))).toEqual(['bytes.ipv4']);
  });

  it('checks enum defined_only and not_in', () => {
    const rules = create(validate.EnumRulesSchema, { definedOnly: true, notIn: [1] });
    expect(r(checkEnum(coreV3.RoutingPrioritySchema, 7, rules))).toEqual(['enum.defined_only']);
    expect(r(checkEnum(coreV3.RoutingPrioritySchema, 1, rules))).toEqual(['enum.not_in']);
  });
});
