#!/usr/bin/env node
// Checks a .warc.gz written by `gongkai export --format warc` with an
// independent reader, warcio.js: every record parses, required headers are
// present, block and payload digests match the bytes, request and response
// records pair up, revisits point at an earlier record, and warcio's own CLI
// indexes the file with offsets that each open a single gzip member.
//
// usage: node check.js FILE.warc.gz [--expect warcinfo=1,response=3,revisit=1,request=4]
// Exits 1 on any problem, 2 on bad usage.

import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { WARCParser } from "warcio";

const here = path.dirname(fileURLToPath(import.meta.url));
const problems = [];
const problem = (msg) => problems.push(msg);

function usage() {
  console.error("usage: node check.js FILE.warc.gz [--expect type=count,...]");
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.length !== 1 && !(args.length === 3 && args[1] === "--expect")) usage();
const file = args[0];
const expect = {};
if (args.length === 3) {
  for (const kv of args[2].split(",")) {
    const [k, v] = kv.split("=");
    if (!k || !/^\d+$/.test(v ?? "")) usage();
    expect[k] = Number(v);
  }
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function base32(buf) {
  let bits = 0, value = 0, out = "";
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += "=";
  return out;
}
const sha1 = (buf) => "sha1:" + base32(crypto.createHash("sha1").update(buf).digest());

const REQUIRED = ["WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length", "Content-Type", "WARC-Block-Digest"];
const REQUIRED_BY_TYPE = {
  warcinfo: [],
  request: ["WARC-Target-URI", "WARC-Concurrent-To"],
  response: ["WARC-Target-URI", "WARC-Concurrent-To", "WARC-Payload-Digest"],
  revisit: ["WARC-Target-URI", "WARC-Concurrent-To", "WARC-Payload-Digest", "WARC-Profile",
    "WARC-Refers-To", "WARC-Refers-To-Target-URI", "WARC-Refers-To-Date"],
};
const REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest";
const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

function openStream() {
  return fs.createReadStream(file);
}

// Pass 1: whole blocks (parseHttp off) for block digests and lengths.
async function passBlocks() {
  const recs = [];
  let i = 0;
  for await (const rec of new WARCParser(openStream(), { parseHttp: false })) {
    const where = `record ${i} (${rec.warcType ?? "?"})`;
    if (rec.warcHeaders.protocol !== "WARC/1.1") problem(`${where}: version ${rec.warcHeaders.protocol}, want WARC/1.1`);
    for (const h of REQUIRED) if (!rec.warcHeader(h)) problem(`${where}: missing ${h}`);
    const type = rec.warcType;
    if (!(type in REQUIRED_BY_TYPE)) problem(`${where}: unexpected WARC-Type ${type}`);
    for (const h of REQUIRED_BY_TYPE[type] ?? []) if (!rec.warcHeader(h)) problem(`${where}: missing ${h}`);
    if (!/^<urn:uuid:[0-9a-f-]{36}>$/.test(rec.warcHeader("WARC-Record-ID") ?? "")) problem(`${where}: bad WARC-Record-ID ${rec.warcHeader("WARC-Record-ID")}`);
    if (!DATE.test(rec.warcDate ?? "")) problem(`${where}: bad WARC-Date ${rec.warcDate}`);
    const block = Buffer.from(await rec.readFully(false));
    if (block.length !== rec.warcContentLength) problem(`${where}: block is ${block.length} bytes, Content-Length says ${rec.warcContentLength}`);
    if (sha1(block) !== rec.warcBlockDigest) problem(`${where}: WARC-Block-Digest ${rec.warcBlockDigest}, computed ${sha1(block)}`);
    recs.push({
      type,
      id: rec.warcHeader("WARC-Record-ID"),
      uri: rec.warcTargetURI,
      date: rec.warcDate,
      concurrent: rec.warcConcurrentTo,
      refersTo: rec.warcHeader("WARC-Refers-To"),
      refersToURI: rec.warcRefersToTargetURI,
      refersToDate: rec.warcRefersToDate,
      profile: rec.warcHeader("WARC-Profile"),
      payloadDigest: rec.warcPayloadDigest,
      contentType: rec.warcContentType,
      block,
    });
    i++;
  }
  return recs;
}

// Pass 2: HTTP parsed by warcio; payload digests and header/body agreement.
async function passHTTP(recs) {
  let i = 0;
  for await (const rec of new WARCParser(openStream())) {
    const where = `record ${i} (${rec.warcType})`;
    const type = rec.warcType;
    if (type === "request") {
      if (!rec.httpHeaders?.method) problem(`${where}: no HTTP request line`);
      const host = rec.httpHeaders?.headers.get("host");
      if (host && rec.warcTargetURI && new URL(rec.warcTargetURI).host !== host) problem(`${where}: Host ${host} does not match ${rec.warcTargetURI}`);
      await rec.readFully(false);
    } else if (type === "response" || type === "revisit") {
      const info = rec.getResponseInfo();
      if (!info || !info.status) problem(`${where}: no HTTP status line`);
      const payload = Buffer.from(await rec.readFully(false));
      if (type === "response") {
        if (sha1(payload) !== rec.warcPayloadDigest) problem(`${where}: WARC-Payload-Digest ${rec.warcPayloadDigest}, computed ${sha1(payload)}`);
        const cl = info?.headers.get("content-length");
        if (cl !== null && cl !== undefined && Number(cl) !== payload.length) problem(`${where}: HTTP Content-Length ${cl} but payload is ${payload.length} bytes`);
        if (info?.headers.get("transfer-encoding")) problem(`${where}: Transfer-Encoding on a stored (decoded) body`);
      } else if (payload.length !== 0) {
        problem(`${where}: revisit carries a ${payload.length}-byte payload`);
      }
      if (!/^application\/http; ?msgtype=response$/.test(rec.warcContentType)) problem(`${where}: Content-Type ${rec.warcContentType}`);
    } else {
      await rec.readFully(false);
    }
    i++;
  }
  if (i !== recs.length) problem(`HTTP pass read ${i} records, block pass ${recs.length}`);
}

function checkLinks(recs) {
  if (recs.length === 0 || recs[0].type !== "warcinfo") problem("first record is not warcinfo");
  const byId = new Map();
  for (const r of recs) {
    if (byId.has(r.id)) problem(`duplicate WARC-Record-ID ${r.id}`);
    byId.set(r.id, r);
  }
  const firstByDigest = new Map();
  recs.forEach((r, i) => {
    const where = `record ${i} (${r.type})`;
    for (const c of r.concurrent ?? []) {
      const other = byId.get(c);
      if (!other) problem(`${where}: WARC-Concurrent-To ${c} names no record`);
      else if (other.uri !== r.uri || other.date !== r.date) problem(`${where}: concurrent record ${c} has another target or date`);
    }
    if (r.type === "response" && !firstByDigest.has(r.payloadDigest)) firstByDigest.set(r.payloadDigest, i);
    if (r.type === "revisit") {
      if (r.profile !== REVISIT_PROFILE) problem(`${where}: WARC-Profile ${r.profile}`);
      const orig = byId.get(r.refersTo);
      if (!orig) problem(`${where}: WARC-Refers-To ${r.refersTo} names no record`);
      else {
        if (recs.indexOf(orig) > i) problem(`${where}: refers to a later record`);
        if (orig.payloadDigest !== r.payloadDigest) problem(`${where}: payload digest differs from the record it refers to`);
        if (orig.uri !== r.refersToURI) problem(`${where}: WARC-Refers-To-Target-URI ${r.refersToURI}, original is ${orig.uri}`);
        if (orig.date !== r.refersToDate) problem(`${where}: WARC-Refers-To-Date ${r.refersToDate}, original is ${orig.date}`);
      }
    }
  });
}

// warcio's own CLI: index every record with offsets, then open each record
// alone from its offset, as a replay tool seeking in the file would.
function checkIndex(recs) {
  const cli = path.join(here, "node_modules", "warcio", "dist", "cli.js");
  let out;
  try {
    out = execFileSync(process.execPath, [cli, "index", file, "--fields", "warc-type,warc-target-uri,offset,length"], { encoding: "utf8" });
  } catch (e) {
    problem(`warcio index failed: ${e.message}`);
    return;
  }
  const rows = out.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  if (rows.length !== recs.length) problem(`warcio index lists ${rows.length} records, parser read ${recs.length}`);
  const data = fs.readFileSync(file);
  let next = 0;
  rows.forEach((row, i) => {
    if (row.offset !== next) problem(`index row ${i}: offset ${row.offset}, want ${next}`);
    next = row.offset + row.length;
    let member;
    try {
      member = zlib.gunzipSync(data.subarray(row.offset, row.offset + row.length));
    } catch (e) {
      problem(`index row ${i}: bytes ${row.offset}+${row.length} are not one gzip member: ${e.message}`);
      return;
    }
    const text = member.toString("latin1");
    const end = text.indexOf("\r\n\r\n");
    const cl = /\r\nContent-Length: *(\d+)\r\n/i.exec(text.slice(0, end + 2));
    if (!text.startsWith("WARC/1.1\r\n") || end < 0 || !cl) problem(`index row ${i}: member does not start a record`);
    else if (member.length !== end + 4 + Number(cl[1]) + 4) problem(`index row ${i}: member is ${member.length} bytes, one record would be ${end + 8 + Number(cl[1])}`);
    if (recs[i] && row["warc-type"] !== recs[i].type) problem(`index row ${i}: type ${row["warc-type"]}, parser saw ${recs[i].type}`);
  });
  if (next !== data.length) problem(`index covers ${next} bytes of ${data.length}`);

  // The CDX indexer pairs each response or revisit with its request.
  try {
    const cdx = execFileSync(process.execPath, [cli, "cdx-index", file, "--format", "json"], { encoding: "utf8" });
    const lines = cdx.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const captures = recs.filter((r) => r.type === "response" || r.type === "revisit").length;
    if (lines.length !== captures) problem(`warcio cdx-index lists ${lines.length} captures, want ${captures}`);
    for (const l of lines) if (!l.digest || !l.status) problem(`cdx line lacks digest or status: ${JSON.stringify(l)}`);
  } catch (e) {
    problem(`warcio cdx-index failed: ${e.message}`);
  }
}

async function main() {
  if (!fs.existsSync(file)) {
    console.error(`${file}: no such file`);
    process.exit(2);
  }
  const recs = await passBlocks();
  await passHTTP(recs);
  checkLinks(recs);
  checkIndex(recs);

  const counts = {};
  for (const r of recs) counts[r.type] = (counts[r.type] ?? 0) + 1;
  for (const [type, n] of Object.entries(expect)) {
    if ((counts[type] ?? 0) !== n) problem(`${counts[type] ?? 0} ${type} records, expected ${n}`);
  }
  const summary = Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(" ");
  if (problems.length) {
    for (const p of problems) console.error(`warccheck: ${p}`);
    console.error(`warccheck: ${file}: ${problems.length} problem(s) in ${recs.length} records (${summary})`);
    process.exit(1);
  }
  console.log(`warccheck: ${file}: ${recs.length} records OK (${summary})`);
}

main().catch((e) => {
  console.error(`warccheck: ${e.stack ?? e}`);
  process.exit(1);
});
