import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import {
  ADDRESS_CLASSES,
  type AddressClass,
  cidrContains,
  classifyAddress,
  connectAddress,
  formatIpAddress,
  isIpAddress,
  parseCidr,
  parseIpAddress,
} from "./egress_address.ts";

const TABLE: readonly (readonly [string, AddressClass])[] = [
  // IPv4
  ["8.8.8.8", "public"],
  ["1.1.1.1", "public"],
  ["93.184.216.34", "public"],
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["10.0.0.1", "private"],
  ["10.255.255.255", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["172.15.255.255", "public"],
  ["172.32.0.0", "public"],
  ["192.168.1.1", "private"],
  ["192.169.0.1", "public"],
  ["169.254.0.1", "link_local"],
  ["169.254.169.254", "metadata"],
  ["169.254.170.2", "metadata"],
  ["100.100.100.200", "metadata"],
  ["100.64.0.1", "cgnat"],
  ["100.127.255.255", "cgnat"],
  ["100.63.255.255", "public"],
  ["100.128.0.0", "public"],
  ["192.0.2.1", "documentation"],
  ["198.51.100.7", "documentation"],
  ["203.0.113.9", "documentation"],
  ["192.0.0.8", "reserved"],
  ["198.18.0.1", "reserved"],
  ["198.19.255.255", "reserved"],
  ["192.88.99.1", "reserved"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["240.0.0.1", "reserved"],
  ["255.255.255.254", "reserved"],
  ["255.255.255.255", "broadcast"],
  // IPv6
  ["::", "unspecified"],
  ["::1", "loopback"],
  ["[::1]", "loopback"],
  ["0:0:0:0:0:0:0:1", "loopback"],
  ["2606:4700:4700::1111", "public"],
  ["2001:4860:4860::8888", "public"],
  ["fe80::1", "link_local"],
  ["fe80::1%eth0", "link_local"],
  ["febf::1", "link_local"],
  ["fec0::1", "reserved"],
  ["fc00::1", "unique_local"],
  ["fd12:3456::1", "unique_local"],
  ["fd00:ec2::254", "metadata"],
  ["fd00:ec2::253", "unique_local"],
  ["fd7a:115c:a1e0::1", "cgnat"],
  ["fd7a:115c:a1e0:ab12:4843:cd96:6258:b240", "cgnat"],
  ["fd7a:115c:a1e1::1", "unique_local"],
  ["ff02::1", "multicast"],
  ["ff05::1:3", "multicast"],
  ["2001:db8::1", "documentation"],
  ["3fff::1", "documentation"],
  ["100::1", "reserved"],
  ["2001::1", "reserved"],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "reserved"],
  ["5f00::1", "reserved"],
  ["4000::1", "reserved"],
  ["::2:0:0", "reserved"],
  // IPv4 embedded in IPv6
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["[::ffff:127.0.0.1]", "loopback"],
  ["::ffff:10.0.0.1", "private"],
  ["::ffff:169.254.169.254", "metadata"],
  ["::ffff:a9fe:a9fe", "metadata"],
  ["::ffff:8.8.8.8", "public"],
  ["::ffff:0.0.0.0", "unspecified"],
  ["::127.0.0.1", "loopback"],
  ["::8.8.8.8", "reserved"],
  ["::ffff:0:127.0.0.1", "loopback"],
  ["::ffff:0:8.8.8.8", "reserved"],
  ["64:ff9b::127.0.0.1", "loopback"],
  ["64:ff9b::a9fe:a9fe", "metadata"],
  ["64:ff9b::808:808", "public"],
  ["64:ff9b:1::1", "private"],
  ["2002:7f00:1::1", "loopback"],
  ["2002:a00:1::", "private"],
  ["2002:a9fe:a9fe::1", "metadata"],
  ["2002:808:808::1", "public"],
];

Deno.test("classifyAddress: table of IPv4 and IPv6 cases", () => {
  for (const [ip, want] of TABLE) {
    assert.equal(classifyAddress(ip), want, ip);
    assert.ok(ADDRESS_CLASSES.includes(want));
  }
});

Deno.test("classifyAddress refuses text that is not an address", () => {
  for (
    const bad of [
      "",
      "localhost",
      "api.example.com",
      "127.1",
      "0x7f.0.0.1",
      "2130706433",
      "010.0.0.1",
      "256.0.0.1",
      "1.2.3.4.5",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      ":::",
      "12345::",
      "::ffff:1.2.3",
      "fe80::1%",
      "[::1",
    ]
  ) {
    assert.throws(() => classifyAddress(bad), (e) => isFcpError(e, "FCP-1040"), bad);
    assert.equal(isIpAddress(bad), false, bad);
  }
});

Deno.test("parseIpAddress and formatIpAddress round-trip canonical forms (RFC 5952)", () => {
  const cases: [string, string][] = [
    ["10.0.0.1", "10.0.0.1"],
    ["::", "::"],
    ["::1", "::1"],
    ["1::", "1::"],
    ["2001:DB8::1", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["::ffff:7f00:1", "::ffff:127.0.0.1"],
    ["fe80::1%eth0", "fe80::1"],
  ];
  for (const [input, want] of cases) {
    const a = parseIpAddress(input);
    assert.ok(a !== undefined, input);
    assert.equal(formatIpAddress(a), want);
  }
});

Deno.test("connectAddress unwraps IPv4-mapped addresses only", () => {
  assert.equal(connectAddress("::ffff:127.0.0.1"), "127.0.0.1");
  assert.equal(connectAddress("64:ff9b::808:808"), "64:ff9b::808:808");
  assert.equal(connectAddress("[::1]"), "::1");
  assert.throws(() => connectAddress("nope"), (e) => isFcpError(e, "FCP-1040"));
});

Deno.test("parseCidr masks host bits and refuses malformed blocks", () => {
  const c = parseCidr("192.168.77.1/16");
  assert.deepEqual([...c.bytes], [192, 168, 0, 0]);
  assert.equal(parseCidr("fd7a:115c:a1e0::/48").prefix, 48);
  assert.equal(parseCidr("0.0.0.0/0").prefix, 0);
  for (
    const bad of [
      "10.0.0.0",
      "10.0.0.0/33",
      "::/129",
      "10.0.0.0/08",
      "x/8",
      "10.0.0.0/",
      "::1%lo/128",
    ]
  ) {
    assert.throws(() => parseCidr(bad), (e) => isFcpError(e, "FCP-1040"), bad);
  }
});

Deno.test("cidrContains: same family, mapped forms both ways, boundaries", () => {
  const net = parseCidr("10.0.0.0/8");
  assert.ok(cidrContains(net, "10.0.0.0"));
  assert.ok(cidrContains(net, "10.255.255.255"));
  assert.ok(!cidrContains(net, "11.0.0.0"));
  assert.ok(!cidrContains(net, "9.255.255.255"));
  assert.ok(cidrContains(net, "::ffff:10.1.2.3"));
  assert.ok(cidrContains(net, "64:ff9b::a01:203"));
  assert.ok(!cidrContains(net, "2002:a00:1::"), "6to4 is not the IPv4 destination itself");
  assert.ok(!cidrContains(parseCidr("0.0.0.0/8"), "::1"));
  assert.ok(cidrContains(parseCidr("::ffff:0:0/96"), "127.0.0.1"));
  assert.ok(cidrContains(parseCidr("fd7a:115c:a1e0::/48"), "fd7a:115c:a1e0:1::2"));
  assert.ok(!cidrContains(parseCidr("fd7a:115c:a1e0::/48"), "fd7a:115c:a1e1::"));
  assert.ok(cidrContains(parseCidr("172.16.0.0/12"), "172.31.0.1"));
  assert.ok(!cidrContains(parseCidr("172.16.0.0/12"), "172.32.0.1"));
  assert.ok(cidrContains(parseCidr("0.0.0.0/0"), "1.2.3.4"));
  assert.ok(cidrContains(parseCidr("127.0.0.1/32"), "127.0.0.1"));
  assert.ok(!cidrContains(parseCidr("127.0.0.1/32"), "127.0.0.2"));
  assert.throws(() => cidrContains(net, "example.com"), (e) => isFcpError(e, "FCP-1040"));
});
