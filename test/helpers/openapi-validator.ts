import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type SchemaObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Validates sandbox responses against the official HoopAI OpenAPI files (read in place from
 * ../shared, never copied). OpenAPI 3.0 schemas are JSON Schema with extras: ajv knows
 * `nullable`; `example`, `deprecated`, `x-*` and friends are ignored (strict: false).
 * `$ref`s resolve inside each file and across to ../common/common-schemas.json, because
 * every file is registered under a URL that mirrors its place in the folder.
 */

const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SHARED_DIR = path.resolve(repoRoot, '../shared');
export const HOOPAI_UPSTREAM_DIR = path.join(SHARED_DIR, 'upstream/hoopai');
export const HOOPAI_UPSTREAM_MISSING = !existsSync(path.join(HOOPAI_UPSTREAM_DIR, 'openapi'));
export const HOOPAI_UPSTREAM_MISSING_REASON = `skipped: the official HoopAI files are not at ${HOOPAI_UPSTREAM_DIR}`;

const BASE_URL = 'https://openapi.hoopai.test/';
export type OpenApiFile = 'contacts' | 'conversations';

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  components: { schemas: Record<string, unknown> };
}

export interface ValidationResult {
  valid: boolean;
  errors: string[];
}

export class HoopaiOpenApi {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly documents = new Map<OpenApiFile, OpenApiDocument>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly upstreamDir = HOOPAI_UPSTREAM_DIR) {
    addFormats(this.ajv);
    this.ajv.addSchema(this.read('openapi/common/common-schemas.json'), `${BASE_URL}common/common-schemas.json`);
    for (const file of ['contacts', 'conversations'] as const) {
      const document = this.read(`openapi/apps/${file}.json`);
      this.documents.set(file, document as OpenApiDocument);
      this.ajv.addSchema(document, this.documentUrl(file));
    }
  }

  /** The documented JSON schema of a response, or undefined where the file documents none. */
  responseSchema(file: OpenApiFile, method: string, route: string, status: number): unknown {
    return this.documents.get(file)!.paths[route]?.[method.toLowerCase()]?.responses?.[String(status)]?.content?.['application/json']?.schema;
  }

  /** Validates a response body against the schema documented for (method, route, status). */
  validateResponse(file: OpenApiFile, method: string, route: string, status: number, body: unknown): ValidationResult {
    if (this.responseSchema(file, method, route, status) === undefined) {
      throw new Error(`${file}.json documents no JSON response for ${method} ${route} ${status}`);
    }
    const pointer = ['paths', route, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema']
      .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
      .join('/');
    return this.run(`${this.documentUrl(file)}#/${pointer}`, body);
  }

  /** Validates a value against `components/schemas/<name>` of a file. */
  validateComponent(file: OpenApiFile, name: string, value: unknown): ValidationResult {
    return this.run(`${this.documentUrl(file)}#/components/schemas/${name}`, value);
  }

  /** Validates a webhook payload against `webhooks/<type>.schema.json`. */
  validateWebhook(type: string, payload: unknown): ValidationResult {
    const url = `${BASE_URL}webhooks/${type}.schema.json`;
    if (!this.ajv.getSchema(url)) this.ajv.addSchema(this.read(`webhooks/${type}.schema.json`), url);
    return this.run(url, payload);
  }

  /** Keys of a documented webhook example (`webhooks/<name>.json`), minus the dispatcher's own. */
  webhookExampleKeys(name: string): string[] {
    const example = this.read(`webhooks/${name}.json`) as Record<string, unknown>;
    return Object.keys(example).filter((key) => key !== 'timestamp' && key !== 'webhookId');
  }

  /** Property names a webhook schema documents. */
  webhookSchemaKeys(type: string): string[] {
    return Object.keys((this.read(`webhooks/${type}.schema.json`) as { properties: Record<string, unknown> }).properties);
  }

  private run(ref: string, value: unknown): ValidationResult {
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    const valid = validate(value);
    return {
      valid,
      errors: (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`),
    };
  }

  private documentUrl(file: OpenApiFile): string {
    return `${BASE_URL}apps/${file}.json`;
  }

  private read(relative: string): SchemaObject {
    return JSON.parse(readFileSync(path.join(this.upstreamDir, relative), 'utf8'));
  }
}
