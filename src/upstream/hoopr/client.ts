import type { AuthorizedCaller } from '../http/authorized-caller';
import { type CallOptions, inScope } from '../http/call-scope';
import type { HttpResponse } from '../http/exchange';
import { errorForStatus } from '../http/upstream-body';
import type { UpstreamHttp } from '../http/upstream-http';
import type { UpstreamRequest } from '../http/upstream-request';
import type { TokenProvider } from '../tokens/token-provider';
import { hooprEndpoints } from './endpoints';
import { readEnvelope, readObject, readPage } from './envelope';
import type { HooprTokenSource } from './token-source';
import type {
  HooprArtist,
  HooprFilter,
  HooprPage,
  HooprSearchItem,
  HooprTokenInfo,
  HooprTrack,
  ListFiltersParams,
  ListTracksParams,
  PageParams,
  SearchParams,
} from './types';

/** Typed Hoopr catalog calls; every one accepts `{signal, deadline}`. */
export class HooprClient {
  constructor(
    private readonly http: UpstreamHttp,
    private readonly caller: AuthorizedCaller,
    private readonly tokens: TokenProvider,
    private readonly tokenSource: HooprTokenSource,
  ) {}

  /**
   * Makes sure a token is held (asking Hoopr only when the cached one is missing or near
   * expiry) and says what it allows. Never returns the token itself.
   */
  async issueToken(options: CallOptions = {}): Promise<HooprTokenInfo> {
    await inScope(this.http.scope(options), (scope) => this.tokens.token('', scope));
    return this.tokenSource.lastInfo ?? { scopes: [], expiresInSeconds: 0 };
  }

  async listTracks(params: ListTracksParams = {}, options: CallOptions = {}): Promise<HooprPage<HooprTrack>> {
    const request = hooprEndpoints.listTracks(params);
    return this.page<HooprTrack>(request, options);
  }

  async getTrack(trackId: string, options: CallOptions = {}): Promise<HooprTrack> {
    const request = hooprEndpoints.getTrack(trackId);
    const response = await this.call(request, options);
    return readObject<HooprTrack>(request, response, readEnvelope(request, response, this.http.secrets), 'a track');
  }

  async listArtists(params: PageParams = {}, options: CallOptions = {}): Promise<HooprPage<HooprArtist>> {
    return this.page<HooprArtist>(hooprEndpoints.listArtists(params), options);
  }

  async getArtist(artistId: string, options: CallOptions = {}): Promise<HooprArtist> {
    const request = hooprEndpoints.getArtist(artistId);
    const response = await this.call(request, options);
    return readObject<HooprArtist>(request, response, readEnvelope(request, response, this.http.secrets), 'an artist');
  }

  async listFilters(params: ListFiltersParams = {}, options: CallOptions = {}): Promise<HooprPage<HooprFilter>> {
    return this.page<HooprFilter>(hooprEndpoints.listFilters(params), options);
  }

  /** Needs the `search` scope; without it Hoopr answers 403 → FORBIDDEN. */
  async search(params: SearchParams, options: CallOptions = {}): Promise<HooprPage<HooprSearchItem>> {
    return this.page<HooprSearchItem>(hooprEndpoints.search(params), options);
  }

  private async page<T>(request: UpstreamRequest, options: CallOptions): Promise<HooprPage<T>> {
    const response = await this.call(request, options);
    return readPage<T>(request, response, readEnvelope(request, response, this.http.secrets));
  }

  private async call(request: UpstreamRequest, options: CallOptions): Promise<HttpResponse> {
    const response = await this.caller.call('', request, options);
    if (response.status >= 300) throw errorForStatus(response, { upstream: 'hoopr', route: request.route, secrets: this.http.secrets });
    return response;
  }
}
