import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIpLiteral, isPrivateAddress, parseIPv6 } from './address.js';

test('blocked addresses (SPEC §7.6)', () => {
  for (const ip of [
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '[::1]',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::a00:1',
    '2001:db8::1',
    'not-an-ip',
  ])
    assert.equal(isPrivateAddress(ip), true, ip);
});

test('public addresses pass', () => {
  for (const ip of [
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '140.82.112.3',
    '2606:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])
    assert.equal(isPrivateAddress(ip), false, ip);
});

test('IPv6 parsing', () => {
  assert.deepEqual(parseIPv6('::1'), [...new Array(15).fill(0), 1]);
  assert.deepEqual(parseIPv6('::ffff:1.2.3.4')?.slice(10), [255, 255, 1, 2, 3, 4]);
  assert.equal(parseIPv6('1::2::3'), undefined);
  assert.equal(parseIPv6('1:2:3:4:5:6:7:8:9'), undefined);
  assert.equal(parseIPv6('12345::'), undefined);
  assert.equal(isIpLiteral('example.com'), false);
  assert.equal(isIpLiteral('[2001:db8::1]'), true);
});
