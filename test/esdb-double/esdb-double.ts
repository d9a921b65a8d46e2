import * as grpc from '@grpc/grpc-js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import { EsdbLog } from './esdb-log.js';
import { streamsService, type OpenCall } from './streams-service.js';

export interface EsdbDoubleOptions {
  /**
   * Advertise Streams.BatchAppend (default true, as every server since 21.10 does). Without it the client
   * falls back to the original client-streaming Append.
   */
  batchAppend?: boolean;
}

export interface EsdbDouble {
  /** esdb://127.0.0.1:<port>?tls=false */
  connectionString: string;
  /** Writes a server-style record (system stream, '$' type) to the log; returns its position. */
  appendSystemEvent(streamId: string, type: string): Promise<bigint>;
  stop(): Promise<void>;
}

const SERVER_VERSION = '23.10.0-esdb-double';

/**
 * An in-process stand-in for an EventStoreDB server: the gRPC services @eventstore/db-client calls, built
 * from the client's own generated service definitions and backed by an in-memory SQLite store. It listens
 * insecurely on 127.0.0.1 on a free port. What it reproduces, and where it must differ from a real server,
 * is described in esdb-log.ts.
 */
export async function startEsdbDouble(options: EsdbDoubleOptions = {}): Promise<EsdbDouble> {
  const batchAppend = options.batchAppend ?? true;
  const log = await EsdbLog.open();
  const openCalls = new Set<OpenCall>();
  const server = new grpc.Server();

  server.addService(streamsGrpc.StreamsService, streamsService(log, openCalls));
  server.addService(serverFeaturesGrpc.ServerFeaturesService, {
    // The client asks once per connection, to choose between BatchAppend and Append.
    getSupportedMethods: (
      _call: unknown,
      callback: grpc.sendUnaryData<serverFeaturesPb.SupportedMethods>,
    ) => {
      const methods = [
        ['event_store.client.streams.streams', 'read'],
        ['event_store.client.streams.streams', 'append'],
        ...(batchAppend ? [['event_store.client.streams.streams', 'batchappend']] : []),
        ['event_store.client.server_features.serverfeatures', 'getsupportedmethods'],
      ].map(([service, method]) =>
        new serverFeaturesPb.SupportedMethod().setServiceName(service!).setMethodName(method!),
      );
      callback(
        null,
        new serverFeaturesPb.SupportedMethods()
          .setMethodsList(methods)
          .setEventStoreServerVersion(SERVER_VERSION),
      );
    },
  });

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    ),
  );

  let stopped = false;
  return {
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    appendSystemEvent: (streamId, type) => log.appendSystemEvent(streamId, type),
    async stop() {
      if (stopped) return;
      stopped = true;
      // Subscriptions and batch-append streams never end on their own: close them, then the server.
      for (const call of openCalls) call.end();
      server.forceShutdown();
      await log.close();
    },
  };
}
