import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { problemsOf } from './helpers/config-problems';

const LIVE = {
  HOOPR_BASE_URL: 'https://hoopr.example',
  HOOPR_CLIENT_ID: 'client',
  HOOPR_CLIENT_SECRET: 'hpr_live_secret',
  HOOPAI_BASE_URL: 'https://hoopai.example',
  HOOPAI_PRIVATE_INTEGRATION_KEYS: 'location1:pit-key',
};

describe('metrics settings', () => {
  it('serve /metrics on the gateway port in sandbox mode on loopback, on a port of its own (9464) otherwise', () => {
    expect(loadConfig({}).observability.metrics).toEqual({ onGatewayPort: true, port: undefined, host: '127.0.0.1', maxOperationNames: 100 });
    expect(loadConfig(LIVE).observability.metrics).toEqual({ onGatewayPort: false, port: 9464, host: '0.0.0.0', maxOperationNames: 100 });
    // A sandbox reachable from elsewhere is treated like any other gateway.
    expect(loadConfig({ HOST: '0.0.0.0' }).observability.metrics).toMatchObject({ onGatewayPort: false, port: 9464 });
  });

  it('take METRICS_PORT (or off), METRICS_HOST, METRICS_ON_GATEWAY_PORT and METRICS_MAX_OPERATION_NAMES', () => {
    expect(loadConfig({ ...LIVE, METRICS_PORT: '9100', METRICS_HOST: '10.0.0.5' }).observability.metrics).toMatchObject({ port: 9100, host: '10.0.0.5' });
    expect(loadConfig({ ...LIVE, METRICS_PORT: 'off' }).observability.metrics.port).toBeUndefined();
    // On the public port by choice: then no second listener unless one is asked for.
    expect(loadConfig({ ...LIVE, METRICS_ON_GATEWAY_PORT: 'on' }).observability.metrics).toMatchObject({ onGatewayPort: true, port: undefined });
    expect(loadConfig({ METRICS_ON_GATEWAY_PORT: 'off' }).observability.metrics).toMatchObject({ onGatewayPort: false, port: 9464 });
    expect(loadConfig({ METRICS_MAX_OPERATION_NAMES: '0' }).observability.metrics.maxOperationNames).toBe(0);
  });

  it('name the variable of a bad value', () => {
    expect(problemsOf({ METRICS_PORT: 'nine' })).toEqual(['METRICS_PORT: expected a port from 0 to 65535, or off']);
    expect(problemsOf({ METRICS_PORT: '70000' })).toEqual(['METRICS_PORT: expected a port from 0 to 65535, or off']);
    expect(problemsOf({ METRICS_ON_GATEWAY_PORT: 'yes' })).toEqual(['METRICS_ON_GATEWAY_PORT: expected on or off']);
  });
});

describe('tracing settings', () => {
  it('are off unless an OpenTelemetry variable asks for traces', () => {
    expect(loadConfig({}).observability.tracing).toBeUndefined();
    expect(loadConfig({ OTEL_SERVICE_NAME: 'named-but-not-exported' }).observability.tracing).toBeUndefined();
  });

  it('export over OTLP to the endpoint the standard variables name', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).observability.tracing).toEqual({
      exporter: 'otlp',
      protocol: 'http/protobuf',
      url: 'http://collector:4318/v1/traces',
      serviceName: 'hoop-gateway',
      resourceAttributes: {},
    });
    const specific = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/ingest',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.name=from-attributes,team=a%20b',
    }).observability.tracing;
    expect(specific).toEqual({
      exporter: 'otlp',
      protocol: 'http/json',
      url: 'https://traces.example/ingest',
      serviceName: 'from-attributes',
      resourceAttributes: { 'deployment.environment': 'prod', 'service.name': 'from-attributes', team: 'a b' },
    });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'edge' }).observability.tracing).toMatchObject({
      url: 'http://localhost:4318/v1/traces',
      serviceName: 'edge',
    });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'console' }).observability.tracing).toMatchObject({ exporter: 'console' });
  });

  it('stay off when told so, whatever else is set', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(loadConfig({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).observability.tracing).toBeUndefined();
    expect(loadConfig({ ...endpoint, OTEL_SDK_DISABLED: 'true' }).observability.tracing).toBeUndefined();
  });

  it('refuse what the gateway cannot export', () => {
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toEqual([
      'OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported; use http/protobuf (the collector\'s port 4318) or http/json',
    ]);
    expect(problemsOf({ OTEL_TRACES_EXPORTER: 'zipkin' })).toEqual(['OTEL_TRACES_EXPORTER: expected otlp, console or none']);
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toEqual(['OTEL_EXPORTER_OTLP_ENDPOINT: expected an absolute URL']);
  });
});
