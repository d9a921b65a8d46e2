#!/usr/bin/env node
// Verifies an auditor's export of a period (`npm run audit -- export-period`, docs/audit.md) offline, with
// nothing but Node.js (18 or later; no dependency, no network, no access to the billing engine):
//
//   node scripts/verify-audit-export.mjs <export.jsonl> [--public-key <anchor-public.pem>]
//
// 1. Hash chains: every exported stream recomputes from its first event (sha256 over
//    [stream, revision, id, type, data, metadata without hash], each event naming the previous one's hash)
//    to the head hash the export states.
// 2. Documents: each document is exactly the data of the DocumentIssued event it names, in a verified chain.
// 3. Derivations: each usage row is a ResourceConsumed event of the chain (same record, amounts and funding);
//    the rows' documented amounts add up to each SKU's weight, the allocated parts to each service's gross,
//    each SKU's lines to its part; net + VAT = gross per line; the lines to the document's totals. Corrections
//    of the period itself (a voided or re-rated record, an adjustment) are rows too: each is a ChargeCorrected
//    event of the chain for that period (same id, amount and funding), and adds to its service and SKU.
// 4. Checkpoint: the signed checkpoint's Ed25519 signature verifies with the anchor's public key — pin the key
//    you got from the operator with --public-key; without it the key inside the export is used (and said so).
//
// Prints one line per finding and a summary; exit 0 when everything verifies, 1 when anything does not, 2 for
// a usage error.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const keyIndex = args.indexOf('--public-key');
const pinnedKey = keyIndex >= 0 ? args[keyIndex + 1] : undefined;
const file = args.find((arg, i) => !arg.startsWith('--') && (keyIndex < 0 || i !== keyIndex + 1));
if (!file || (keyIndex >= 0 && !pinnedKey)) {
  console.error(
    'usage: node scripts/verify-audit-export.mjs <export.jsonl> [--public-key <anchor-public.pem>]',
  );
  process.exit(2);
}

const findings = [];
const finding = (what) => findings.push(what);

// Decimal strings as exact integers scaled by 10^12 (amounts have at most 9 decimals).
const SCALE = 12;
function units(text) {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(text));
  if (!match) throw new Error(`not a decimal: ${text}`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > SCALE) throw new Error(`too many decimals: ${text}`);
  const value = BigInt(whole + fraction.padEnd(SCALE, '0'));
  return sign ? -value : value;
}
const sum = (values) => values.reduce((total, v) => total + units(v), 0n);

const records = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line, index) => {
    try {
      return JSON.parse(line);
    } catch {
      finding(`line ${index + 1}: not JSON`);
      return {};
    }
  });
const header = records[0];
if (header?.record !== 'header' || header.format !== 'billing-audit-export/v1')
  finding('the file does not start with a billing-audit-export/v1 header');

// 1. Hash chains.
const streams = new Map();
for (const r of records.filter((r) => r.record === 'event')) {
  if (!streams.has(r.stream)) streams.set(r.stream, []);
  streams.get(r.stream).push(r);
}
const eventsById = new Map();
const brokenStreams = new Set();
for (const [stream, events] of streams) {
  let previous = '0'.repeat(64);
  events.forEach((event, index) => {
    eventsById.set(event.id, event);
    if (brokenStreams.has(stream)) return;
    const { hash, ...rest } = event.metadata ?? {};
    const recomputed = createHash('sha256')
      .update(JSON.stringify([stream, event.revision, event.id, event.type, event.data, rest]))
      .digest('hex');
    const at = `${stream} revision ${event.revision} (event ${event.id})`;
    if (event.revision !== index) finding(`${at}: revisions do not follow from 0`);
    else if (rest.prevHash !== previous)
      finding(`${at}: does not follow the previous event (removed or reordered)`);
    else if (recomputed !== hash) finding(`${at}: its hash does not recompute (edited)`);
    else {
      previous = hash;
      return;
    }
    brokenStreams.add(stream);
  });
  const head = records.find((r) => r.record === 'head' && r.stream === stream);
  if (!head) finding(`${stream}: no head stated`);
  else if (!brokenStreams.has(stream) && (head.hash !== previous || head.revision !== events.length - 1))
    finding(`${stream}: the head (revision ${head.revision}) is not the chain's last event`);
}
const trusted = (id) => {
  const event = eventsById.get(id);
  return event && !brokenStreams.has(event.stream) ? event : undefined;
};

// 2. Documents.
const documents = new Map();
for (const r of records.filter((r) => r.record === 'document')) {
  documents.set(r.document.number, r.document);
  const event = trusted(r.eventId);
  if (!event || event.type !== 'DocumentIssued')
    finding(
      `document ${r.document.number}: its DocumentIssued event ${r.eventId} is not in a verified chain`,
    );
  else if (JSON.stringify(event.data) !== JSON.stringify(r.document))
    finding(`document ${r.document.number}: differs from the DocumentIssued event that issued it`);
}

// 3. Derivations.
let derived = 0;
for (const d of records.filter((r) => r.record === 'derivation')) {
  derived += 1;
  const document = documents.get(d.number);
  const at = `derivation of ${d.number}`;
  if (!document) {
    finding(`${at}: no such document in the export`);
    continue;
  }
  for (const row of d.usage) {
    const event = trusted(row.event.eventId);
    const data = event?.data;
    if (
      !event ||
      event.type !== 'ResourceConsumed' ||
      data.usageRecordId !== row.usageRecordId ||
      data.sku !== row.sku ||
      units(data.quantity) !== units(row.quantity) ||
      units(data.amount) !== units(row.amount) ||
      units(data.fromBalance) !== units(row.fromBalance)
    )
      finding(
        `${at}: usage record ${row.usageRecordId} is not the ResourceConsumed event ${row.event.eventId}`,
      );
  }
  const corrections = d.corrections ?? [];
  for (const row of corrections) {
    const event = trusted(row.event.eventId);
    const data = event?.data;
    if (
      !event ||
      event.type !== 'ChargeCorrected' ||
      data.correctionId !== row.correctionId ||
      data.correctsPeriod !== document.periodId ||
      units(data.amount) !== units(row.amount) ||
      units(data.fromBalance) !== units(row.fromBalance)
    )
      finding(`${at}: correction ${row.correctionId} is not the ChargeCorrected event ${row.event.eventId}`);
  }
  const rows = [...d.usage, ...corrections];
  for (const service of d.services) {
    const documented = sum(rows.filter((u) => u.service === service.service).map((u) => u.documented));
    if (documented !== units(service.exact))
      finding(
        `${at}: ${service.service}: the usage records add up to a different amount than ${service.exact}`,
      );
    if (!service.allocation) continue;
    if (sum(service.allocation.map((a) => a.allocated)) !== units(service.gross))
      finding(`${at}: ${service.service}: the SKU parts do not add up to ${service.gross}`);
    for (const part of service.allocation) {
      const ofSku = rows.filter((u) => u.service === service.service && u.sku === part.sku);
      if (
        units(service.confirmedEarlier) === 0n &&
        sum(ofSku.map((u) => u.documented)) !== units(part.weight)
      )
        finding(`${at}: ${part.sku}: the usage records do not add up to its weight ${part.weight}`);
      const lines = document.lines.filter((l) => l.service === service.service && l.sku === part.sku);
      if (sum(lines.map((l) => l.gross)) !== units(part.allocated))
        finding(`${at}: ${part.sku}: the document's lines do not add up to its part ${part.allocated}`);
    }
  }
  document.lines.forEach((line, index) => {
    const derivedLine = d.lines[index];
    if (units(line.net) + units(line.vat) !== units(line.gross))
      finding(`${at}: line ${index + 1}: net + VAT is not gross`);
    if (
      !derivedLine ||
      units(derivedLine.gross) !== units(line.gross) ||
      units(derivedLine.vat) !== units(line.vat)
    )
      finding(`${at}: line ${index + 1}: the derivation does not give the document's line`);
  });
  for (const field of ['net', 'vat', 'gross'])
    if (sum(document.lines.map((l) => l[field])) !== units(document.totals[field]))
      finding(`${at}: the lines' ${field} does not add up to the total ${document.totals[field]}`);
  if (d.reconciles !== true) finding(`${at}: the engine itself reported that it does not reconcile`);
}

// 4. Checkpoint.
const checkpoint = records.find((r) => r.record === 'checkpoint')?.checkpoint;
let checkpointText = 'no signed checkpoint in the export';
if (checkpoint) {
  const keyText = pinnedKey ? readFileSync(pinnedKey, 'utf8') : checkpoint.publicKey;
  const payload = Buffer.from(
    JSON.stringify([
      'billing-log-checkpoint/v1',
      checkpoint.number,
      checkpoint.events,
      checkpoint.position,
      checkpoint.chain,
      checkpoint.signed_at,
      checkpoint.key_id,
    ]),
  );
  let valid = false;
  try {
    valid = verify(null, payload, createPublicKey(keyText), Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid)
    finding(`checkpoint #${checkpoint.number}: the signature does not verify with the anchor's public key`);
  checkpointText =
    `checkpoint #${checkpoint.number} (${checkpoint.events} events up to position ${checkpoint.position}) ` +
    `${valid ? 'signature valid' : 'signature INVALID'}${pinnedKey ? '' : ' (key taken from the export: pin it with --public-key)'}`;
  const later = records.filter(
    (r) => r.record === 'event' && BigInt(r.position) > BigInt(checkpoint.position),
  );
  if (later.length > 0) checkpointText += `; ${later.length} exported events are newer than it`;
}

for (const line of findings) console.log(`FAIL ${line}`);
console.log(
  `${findings.length === 0 ? 'OK' : 'NOT VERIFIED'}: ${streams.size} streams, ${documents.size} documents, ` +
    `${derived} derivations; ${checkpointText}; ${findings.length} findings`,
);
process.exit(findings.length === 0 ? 0 : 1);
