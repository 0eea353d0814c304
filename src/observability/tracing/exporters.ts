/**
 * The SDK exporters behind the config's `tracing.exporter`: OTLP/HTTP (protobuf or JSON) and
 * Zipkin v2. They run in the export thread only (export-worker.ts), never on the data plane's.
 * OTLP protobuf keeps the SDK's HTTP transport (retries, timeout, headers, agent) but encodes the
 * request with our own serializer (otlp-protobuf.ts).
 */
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { OTLPExporterBase, type OTLPExporterNodeConfigBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { ProtobufTraceSerializer, TraceExporterMetricsHelper, type IExportTraceServiceResponse, type ISerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ExporterSettings } from './export.js';
import { encodeTraceRequest } from './otlp-protobuf.js';

/** The SDK exporter for the config. */
export function createSpanExporter(s: ExporterSettings): SpanExporter {
  if (s.kind === 'zipkin') return new ZipkinExporter({ url: s.endpoint, headers: { ...s.headers }, serviceName: s.serviceName });
  const options = { url: s.endpoint, headers: { ...s.headers }, timeoutMillis: s.timeoutMs, concurrencyLimit: 4 };
  return s.encoding === 'json' ? new OtlpJsonExporter(options) : new OtlpProtoExporter(options);
}

/** Our request encoder; responses (partial success) still go through the SDK's decoder. */
const PROTOBUF_SERIALIZER: ISerializer<ReadableSpan[], IExportTraceServiceResponse> = {
  serializeRequest: (spans) => encodeTraceRequest(spans),
  deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
};

/**
 * OTLP/HTTP protobuf: wired as the SDK's own protobuf OTLPTraceExporter is (same
 * options, OTEL_EXPORTER_OTLP_* environment, transport and self-metrics component type), with
 * PROTOBUF_SERIALIZER in place of its ProtobufTraceSerializer.
 */
class OtlpProtoExporter extends OTLPExporterBase<ReadableSpan[]> implements SpanExporter {
  constructor(config: OTLPExporterNodeConfigBase) {
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions(config, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }),
        PROTOBUF_SERIALIZER,
        'otlp_http_span_exporter',
        TraceExporterMetricsHelper,
        undefined,
      ),
    );
  }
}

