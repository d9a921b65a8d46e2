import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import codePb from '@eventstore/db-client/generated/code_pb.js';
import type { IStreamsServer } from '@eventstore/db-client/generated/streams_grpc_pb.js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import {
  InvalidArgumentError,
  InvalidPositionError,
  type AppendOutcome,
  type EsdbLog,
  type ExpectedVersion,
  type LogFilter,
  type LogPosition,
  type LogRecord,
  type ProposedMessage,
} from './esdb-log.js';

const { ReadResp, AppendResp, BatchAppendResp } = streamsPb;
type ReadCall = grpc.ServerWritableStream<streamsPb.ReadReq, streamsPb.ReadResp>;
type BatchAppendCall = grpc.ServerDuplexStream<streamsPb.BatchAppendReq, streamsPb.BatchAppendResp>;
/** Calls that stay open until the client ends them: subscriptions and batch-append streams. */
export type OpenCall = ReadCall | BatchAppendCall;

/** Implements the Streams service the way EventStoreDB answers @eventstore/db-client. */
export function streamsService(log: EsdbLog, openCalls: Set<OpenCall>): IStreamsServer {
  return {
    read: (call) => {
      openCalls.add(call);
      call.on('close', () => openCalls.delete(call));
      read(log, call).catch((error: unknown) => failCall(call, error));
    },

    // The original append: one header message with the options, then one message per event.
    append: (call, callback) => {
      let header: streamsPb.AppendReq.Options | undefined;
      const messages: ProposedMessage[] = [];
      call.on('data', (request: streamsPb.AppendReq) => {
        if (request.hasOptions()) {
          header = request.getOptions();
        } else if (request.hasProposedMessage()) {
          messages.push(toProposedMessage(request.getProposedMessage()!));
        }
      });
      call.on('end', () => {
        if (!header) {
          return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'Append without options' });
        }
        const expected = appendExpected(header);
        log
          .append(streamName(header.getStreamIdentifier()), messages, expected)
          .then((outcome) => callback(null, appendResponse(outcome, expected)))
          .catch((error: unknown) => callback(toServiceError(error)));
      });
    },

    // What the client uses when the server advertises it: many appends multiplexed on one stream,
    // each identified by a correlation id and possibly split over several requests.
    batchAppend: (call) => {
      openCalls.add(call);
      call.on('close', () => openCalls.delete(call));
      const pending = new Map<
        string,
        { options?: streamsPb.BatchAppendReq.Options; messages: ProposedMessage[] }
      >();
      call.on('data', (request: streamsPb.BatchAppendReq) => {
        const correlationId = uuidString(request.getCorrelationId());
        const batch = pending.get(correlationId) ?? { messages: [] };
        pending.set(correlationId, batch);
        if (request.hasOptions()) batch.options = request.getOptions();
        batch.messages.push(...request.getProposedMessagesList().map(toProposedMessage));
        if (!request.getIsFinal()) return;
        pending.delete(correlationId);
        const options = batch.options;
        if (!options) return failCall(call, new Error('BatchAppend without options'));
        const expected = batchExpected(options);
        log
          .append(streamName(options.getStreamIdentifier()), batch.messages, expected)
          .then((outcome) => {
            if (!call.cancelled)
              call.write(batchAppendResponse(request.getCorrelationId()!, options, outcome));
          })
          .catch((error: unknown) => failCall(call, error));
      });
      call.on('end', () => call.end());
    },

    delete: (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'Not in the double' }),
    tombstone: (_call, callback) =>
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'Not in the double' }),
  };
}

async function read(log: EsdbLog, call: ReadCall): Promise<void> {
  const options = call.request.getOptions();
  if (!options) throw new Error('Read without options');
  const direction =
    options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS
      ? 'backwards'
      : 'forwards';
  const filter = toLogFilter(options);

  if (options.hasSubscription()) {
    if (!options.hasAll()) throw new UnimplementedError('Stream subscriptions are not in the double');
    return subscribe(log, call, allStart(options.getAll()!), filter);
  }

  if (options.hasStream()) {
    const streamOptions = options.getStream()!;
    const stream = streamName(streamOptions.getStreamIdentifier());
    const from = streamOptions.hasRevision()
      ? BigInt(streamOptions.getRevision())
      : streamOptions.hasEnd()
        ? 'end'
        : 'start';
    const records = await log.readStream(stream, from, direction, BigInt(options.getCount()));
    if (!records) {
      const notFound = new ReadResp.StreamNotFound();
      notFound.setStreamIdentifier(streamOptions.getStreamIdentifier());
      await write(call, new ReadResp().setStreamNotFound(notFound));
    } else {
      for (const record of records) if (!(await write(call, eventResponse(record)))) return;
    }
    call.end();
    return;
  }

  const records = await log.readAll(
    allStart(options.getAll()!),
    direction,
    BigInt(options.getCount()),
    filter,
  );
  for (const record of records) if (!(await write(call, eventResponse(record)))) return;
  call.end();
}

/** Confirmation, the history, CaughtUp, then live events until the client cancels. */
async function subscribe(
  log: EsdbLog,
  call: ReadCall,
  after: LogPosition | 'start' | 'end',
  filter: LogFilter | undefined,
): Promise<void> {
  const confirmation = new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
  await write(call, new ReadResp().setConfirmation(confirmation));
  const subscription = log.subscribe(after, filter, {
    onRecord: async (record) => {
      await write(call, eventResponse(record));
    },
    onCaughtUp: async () => {
      await write(call, new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
    },
    onError: (error) => failCall(call, error),
  });
  call.on('cancelled', () => void subscription.stop());
  call.on('close', () => void subscription.stop());
}

/** Writes with back-pressure; false once the client has gone. */
async function write(call: ReadCall, message: streamsPb.ReadResp): Promise<boolean> {
  if (call.cancelled || call.destroyed || call.writableEnded) return false;
  if (!call.write(message)) await Promise.race([once(call, 'drain'), once(call, 'close')]);
  return !call.cancelled;
}

function eventResponse(record: LogRecord): streamsPb.ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(new sharedPb.UUID().setString(record.id));
  recorded.setStreamIdentifier(
    new sharedPb.StreamIdentifier().setStreamName(Buffer.from(record.streamId, 'utf8')),
  );
  recorded.setStreamRevision(record.revision.toString());
  recorded.setCommitPosition(record.position.toString());
  recorded.setPreparePosition(record.position.toString());
  const metadata = recorded.getMetadataMap();
  metadata.set('type', record.type);
  metadata.set('content-type', record.contentType);
  // .NET ticks (100 ns) since the Unix epoch, as the server sends them.
  metadata.set('created', (BigInt(record.createdMs) * 10_000n).toString());
  recorded.setData(record.data);
  recorded.setCustomMetadata(record.customMetadata);
  const readEvent = new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(record.position.toString());
  return new ReadResp().setEvent(readEvent);
}

function appendResponse(outcome: AppendOutcome, expected: ExpectedVersion): streamsPb.AppendResp {
  if (outcome.kind === 'success') {
    const success = new AppendResp.Success().setCurrentRevision(outcome.currentRevision.toString());
    if (outcome.position.commit < 0n) success.setNoPosition(new sharedPb.Empty());
    else {
      success.setPosition(
        new AppendResp.Position()
          .setCommitPosition(outcome.position.commit.toString())
          .setPreparePosition(outcome.position.prepare.toString()),
      );
    }
    return new AppendResp().setSuccess(success);
  }
  const wrong = new AppendResp.WrongExpectedVersion();
  if (outcome.currentRevision === undefined) wrong.setCurrentNoStream(new sharedPb.Empty());
  else wrong.setCurrentRevision(outcome.currentRevision.toString());
  if (expected === 'any') wrong.setExpectedAny(new sharedPb.Empty());
  else if (expected === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty());
  else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty());
  else wrong.setExpectedRevision(expected.toString());
  return new AppendResp().setWrongExpectedVersion(wrong);
}

function batchAppendResponse(
  correlationId: sharedPb.UUID,
  options: streamsPb.BatchAppendReq.Options,
  outcome: AppendOutcome,
): streamsPb.BatchAppendResp {
  const response = new BatchAppendResp()
    .setCorrelationId(correlationId)
    .setStreamIdentifier(options.getStreamIdentifier());
  const expected = batchExpected(options);
  if (expected === 'any') response.setAny(new emptyPb.Empty());
  else if (expected === 'no_stream') response.setNoStream(new emptyPb.Empty());
  else if (expected === 'stream_exists') response.setStreamExists(new emptyPb.Empty());
  else response.setStreamPosition(expected.toString());

  if (outcome.kind === 'success') {
    const success = new BatchAppendResp.Success().setCurrentRevision(outcome.currentRevision.toString());
    if (outcome.position.commit < 0n) success.setNoPosition(new emptyPb.Empty());
    else {
      success.setPosition(
        new sharedPb.AllStreamPosition()
          .setCommitPosition(outcome.position.commit.toString())
          .setPreparePosition(outcome.position.prepare.toString()),
      );
    }
    return response.setSuccess(success);
  }
  // Errors travel as a google.rpc.Status whose details pack the typed error, as on the server.
  const details = new sharedPb.WrongExpectedVersion();
  if (outcome.currentRevision === undefined) details.setCurrentNoStream(new emptyPb.Empty());
  else details.setCurrentStreamRevision(outcome.currentRevision.toString());
  if (expected === 'any') details.setExpectedAny(new emptyPb.Empty());
  else if (expected === 'no_stream') details.setExpectedNoStream(new emptyPb.Empty());
  else if (expected === 'stream_exists') details.setExpectedStreamExists(new emptyPb.Empty());
  else details.setExpectedStreamPosition(expected.toString());
  const packed = new anyPb.Any();
  packed.pack(details.serializeBinary(), 'event_store.client.WrongExpectedVersion');
  const status = new statusPb.Status()
    .setCode(codePb.Code.FAILED_PRECONDITION)
    .setMessage('WrongExpectedVersion')
    .setDetails(packed);
  return response.setError(status);
}

function appendExpected(options: streamsPb.AppendReq.Options): ExpectedVersion {
  if (options.hasRevision()) return BigInt(options.getRevision());
  if (options.hasNoStream()) return 'no_stream';
  if (options.hasStreamExists()) return 'stream_exists';
  return 'any';
}

function batchExpected(options: streamsPb.BatchAppendReq.Options): ExpectedVersion {
  if (options.hasStreamPosition()) return BigInt(options.getStreamPosition());
  if (options.hasNoStream()) return 'no_stream';
  if (options.hasStreamExists()) return 'stream_exists';
  return 'any';
}

function allStart(all: streamsPb.ReadReq.Options.AllOptions): LogPosition | 'start' | 'end' {
  if (all.hasStart()) return 'start';
  if (all.hasEnd()) return 'end';
  const position = all.getPosition()!;
  return { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) };
}

function toLogFilter(options: streamsPb.ReadReq.Options): LogFilter | undefined {
  if (!options.hasFilter()) return undefined;
  const filter = options.getFilter()!;
  const on = filter.hasStreamIdentifier() ? 'stream' : 'event_type';
  const expression = filter.hasStreamIdentifier() ? filter.getStreamIdentifier()! : filter.getEventType()!;
  const regex = expression.getRegex();
  return regex ? { on, regex: new RegExp(regex) } : { on, prefixes: expression.getPrefixList() };
}

function toProposedMessage(
  message: streamsPb.AppendReq.ProposedMessage | streamsPb.BatchAppendReq.ProposedMessage,
): ProposedMessage {
  const metadata = message.getMetadataMap();
  return {
    id: uuidString(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

function streamName(identifier: sharedPb.StreamIdentifier | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');
}

function uuidString(uuid: sharedPb.UUID | undefined): string {
  if (!uuid) return '';
  if (uuid.hasString()) return uuid.getString();
  const structured = uuid.getStructured()!;
  const bytes = Buffer.alloc(16);
  bytes.writeBigInt64BE(BigInt(structured.getMostSignificantBits()), 0);
  bytes.writeBigInt64BE(BigInt(structured.getLeastSignificantBits()), 8);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

class UnimplementedError extends Error {}

function toServiceError(error: unknown): Partial<grpc.StatusObject> {
  if (error instanceof InvalidPositionError) return { code: grpc.status.UNKNOWN, details: error.message };
  if (error instanceof InvalidArgumentError)
    return { code: grpc.status.INVALID_ARGUMENT, details: error.message };
  if (error instanceof UnimplementedError) return { code: grpc.status.UNIMPLEMENTED, details: error.message };
  return { code: grpc.status.INTERNAL, details: error instanceof Error ? error.message : String(error) };
}

function failCall(call: OpenCall, error: unknown): void {
  if (call.cancelled) return;
  call.emit('error', toServiceError(error));
}
