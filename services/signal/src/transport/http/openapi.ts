import { FIELD_ERROR_CODES, ORDER_TYPES, SIGNAL_LIMITS } from '../../domain';
import { PROBLEM_TYPES, problemTypeUri } from './answer';

const price = { type: 'number', exclusiveMinimum: 0, maximum: SIGNAL_LIMITS.maxPrice, description: `A price; at most ${SIGNAL_LIMITS.maxPriceDecimals} decimals.` };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const common = {
  externalId: { type: 'string', minLength: 1, maxLength: SIGNAL_LIMITS.maxExternalIdLength, pattern: '^[\\x21-\\x7e]+$', description: 'Your own id of the signal. Required on /v1/signals; sending it again returns the original signal id and publishes nothing.' },
  symbol: { type: 'string', maxLength: 32, description: 'Instrument, e.g. EURUSD (case-insensitive, stored upper case); must be on the source allow-list.' },
  sourceTimestamp: { type: 'string', format: 'date-time', description: 'When you generated the signal (with a zone). Older than the configured maximum age on arrival: refused as stale.' },
  ttlSeconds: { type: 'integer', minimum: 1, maximum: SIGNAL_LIMITS.maxTtlSeconds, description: 'Seconds from arrival after which nothing may be executed; excludes expiresAt.' },
  expiresAt: { type: 'string', format: 'date-time', description: 'Instant after which nothing may be executed (future, with a zone); excludes ttlSeconds.' },
  comment: { type: 'string', maxLength: SIGNAL_LIMITS.maxCommentLength, description: 'Free text; no control characters.' },
};
const refFields = {
  refSignalId: { type: 'string', format: 'uuid', description: 'The platform id of the open signal this acts on (one of refSignalId, refExternalId).' },
  refExternalId: { type: 'string', maxLength: SIGNAL_LIMITS.maxExternalIdLength, description: 'Your externalId of the open signal this acts on.' },
};
const slippage = { type: 'integer', minimum: 0, maximum: SIGNAL_LIMITS.maxSlippagePoints, description: 'Maximum slippage in points.' };
const takeProfits = { type: 'array', minItems: 1, maxItems: SIGNAL_LIMITS.maxTakeProfits, items: price };

/** The OpenAPI 3.1 document of the signal service, served at /openapi.json. */
export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Tradebridge signal service',
    version: '1.0.0',
    description:
      'The front door of Tradebridge: accepts trading signals (JSON API and TradingView webhooks), validates them strictly, stores each once ' +
      'per (source, externalId) and publishes it to Kafka topic signal.generated (key: source id) through a transactional outbox. ' +
      'Every 4xx answer is an RFC 7807 problem document; validation problems list each field in `errors`.\n\n' +
      'Price sides: a buy needs stopLoss < anchor < every take profit, a sell the reverse. The anchor is the limit price of a stop_limit, ' +
      'the entryPrice of other pending orders, and for market orders the referencePrice if given, else the entryPrice hint; with neither, only ' +
      'stopLoss against take profits is checked. Pending entries are checked against referencePrice when given (buy limit below, buy stop above, ' +
      'sell limit above, sell stop below).',
  },
  servers: [{ url: '/' }],
  tags: [{ name: 'signals' }, { name: 'tradingview' }, { name: 'admin' }, { name: 'operations' }],
  paths: {
    '/v1/signals': {
      post: {
        tags: ['signals'],
        operationId: 'submitSignal',
        summary: 'Submit a signal',
        security: [{ bearerApiKey: [] }, { headerApiKey: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: ref('Signal') } } },
        responses: {
          '201': { description: 'Accepted and stored; published to signal.generated shortly.', headers: { Location: { schema: { type: 'string' } } }, content: { 'application/json': { schema: ref('Accepted') } } },
          '200': { description: 'A duplicate of an already accepted signal (same source and externalId): the original id; nothing is published again.', headers: { 'Idempotent-Replayed': { schema: { type: 'string', const: 'true' } } }, content: { 'application/json': { schema: ref('Accepted') } } },
          '400': problemResponse('The body is not valid JSON or is empty.'),
          '401': problemResponse('Missing or invalid API key.'),
          '403': problemResponse('The source is disabled, or the symbol is not on its allow-list.'),
          '413': problemResponse('The body is larger than the configured limit.'),
          '415': problemResponse('The content type is not application/json.'),
          '422': problemResponse('The signal is not valid; `errors` names each field. Also: the referenced signal is unknown.'),
          '429': { ...problemResponse('The source exceeded its rate limit.'), headers: { 'Retry-After': { schema: { type: 'integer' } } } },
        },
      },
    },
    '/v1/signals/{id}': {
      get: {
        tags: ['signals'],
        operationId: 'getSignal',
        summary: 'Read a stored signal of the calling source and its status',
        security: [{ bearerApiKey: [] }, { headerApiKey: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': { description: 'The signal.', content: { 'application/json': { schema: ref('StoredSignal') } } },
          '401': problemResponse('Missing or invalid API key.'),
          '403': problemResponse('The source is disabled.'),
          '404': problemResponse('No such signal of this source.'),
        },
      },
    },
    '/v1/webhooks/tradingview/{sourceId}': {
      post: {
        tags: ['tradingview'],
        operationId: 'tradingViewWebhook',
        summary: 'Receive a TradingView alert',
        description:
          'Authenticated by the source\'s webhook secret: `?secret=`, header `X-Webhook-Secret`, or `passphrase` in a JSON body. ' +
          'Bodies: a JSON alert (see TradingViewAlert) or a one-line text command, e.g. `buy EURUSD sl=1.0820 tp=1.0900`, ' +
          '`sell limit XAUUSD @2350.5 sl=2360 tp=2330,2320`, `close 50% ref=<id>`, `modify ref=<id> sl=1.0850`, `modify ref=<id> be`, `cancel ref=<id>`. ' +
          'Text grammar: verb (buy, sell, long, short, close, exit, modify, cancel), optional order type after buy/sell (market, limit, stop, stoplimit), ' +
          'optional symbol, `@price` (entry), `N%` (close fraction), bare `be` (break-even), and key=value pairs: sl, tp (comma list), tp1..tp8, entry/price, ' +
          'stoplimit, last (reference price), vol/lots/qty, risk, slippage, ttl (90, 90s, 5m, 2h, 1d), expiry, id (external id), ref, comment ("quoted"), ' +
          'time, trail, fraction. Unknown keys are refused by name. externalId is optional here; without it every alert is a new signal.',
        parameters: [
          { name: 'sourceId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          { name: 'secret', in: 'query', required: false, schema: { type: 'string' } },
          { name: 'X-Webhook-Secret', in: 'header', required: false, schema: { type: 'string' } },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref('TradingViewAlert') }, 'text/plain': { schema: { type: 'string', maxLength: 4096 } } },
        },
        responses: {
          '201': { description: 'Accepted.', content: { 'application/json': { schema: ref('Accepted') } } },
          '200': { description: 'Duplicate of an accepted alert (same id): the original signal id.', content: { 'application/json': { schema: ref('Accepted') } } },
          '400': problemResponse('Invalid JSON.'),
          '401': problemResponse('Missing or wrong secret, or unknown source.'),
          '403': problemResponse('Source disabled, or symbol not allowed.'),
          '413': problemResponse('Body too large.'),
          '415': problemResponse('Content type is neither application/json nor text/plain.'),
          '422': problemResponse('Invalid alert; errors name the fields as you wrote them (e.g. `sl`).'),
          '429': { ...problemResponse('Rate limit exceeded.'), headers: { 'Retry-After': { schema: { type: 'integer' } } } },
        },
      },
    },
    '/v1/admin/sources': {
      post: {
        tags: ['admin'],
        operationId: 'createSource',
        summary: 'Create a signal source; the answer is the only time its API key and webhook secret are shown',
        security: [{ adminToken: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: ref('NewSource') } } },
        responses: {
          '201': { description: 'Created.', content: { 'application/json': { schema: ref('CreatedSource') } } },
          '401': problemResponse('Missing or wrong admin token.'),
          '404': problemResponse('The admin API is off (SIGNAL_ADMIN_TOKEN unset).'),
          '422': problemResponse('Invalid input.'),
        },
      },
      get: {
        tags: ['admin'],
        operationId: 'listSources',
        security: [{ adminToken: [] }],
        responses: {
          '200': { description: 'Sources (no secrets).', content: { 'application/json': { schema: { type: 'array', items: ref('Source') } } } },
          '401': problemResponse('Missing or wrong admin token.'),
          '404': problemResponse('The admin API is off.'),
        },
      },
    },
    '/v1/admin/sources/{sourceId}': {
      patch: {
        tags: ['admin'],
        operationId: 'setSourceEnabled',
        security: [{ adminToken: [] }],
        parameters: [{ name: 'sourceId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['enabled'], properties: { enabled: { type: 'boolean' } } } } } },
        responses: {
          '200': { description: 'Updated.', content: { 'application/json': { schema: { type: 'object', properties: { sourceId: { type: 'string' }, enabled: { type: 'boolean' } } } } } },
          '401': problemResponse('Missing or wrong admin token.'),
          '404': problemResponse('No such source, or the admin API is off.'),
          '422': problemResponse('Invalid input.'),
        },
      },
    },
    '/openapi.json': { get: { tags: ['operations'], operationId: 'openapi', responses: { '200': { description: 'This document.', content: { 'application/json': {} } } } } },
    '/healthz': { get: { tags: ['operations'], operationId: 'healthz', responses: { '200': { description: 'The process is alive.' } } } },
    '/readyz': { get: { tags: ['operations'], operationId: 'readyz', responses: { '200': { description: 'Database, Kafka and the outbox relay are usable.' }, '503': { description: 'Not ready; checks say why.' } } } },
    '/metrics': { get: { tags: ['operations'], operationId: 'metrics', responses: { '200': { description: 'Prometheus metrics.', content: { 'text/plain': {} } } } } },
  },
  components: {
    securitySchemes: {
      bearerApiKey: { type: 'http', scheme: 'bearer', description: 'The source API key (tbk_...).' },
      headerApiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      adminToken: { type: 'http', scheme: 'bearer', description: 'SIGNAL_ADMIN_TOKEN.' },
    },
    schemas: {
      Signal: {
        description: 'A signal; the members allowed depend on action. Unknown members and members of another action are refused by name.',
        oneOf: [ref('OpenSignal'), ref('ModifySignal'), ref('CloseSignal'), ref('CancelSignal')],
        discriminator: { propertyName: 'action', mapping: { open: '#/components/schemas/OpenSignal', modify: '#/components/schemas/ModifySignal', close: '#/components/schemas/CloseSignal', cancel: '#/components/schemas/CancelSignal' } },
      },
      OpenSignal: {
        type: 'object',
        additionalProperties: false,
        required: ['action', 'externalId', 'symbol', 'direction'],
        properties: {
          action: { const: 'open' },
          ...common,
          direction: { enum: ['buy', 'sell'] },
          orderType: { enum: [...ORDER_TYPES], default: 'market' },
          entryPrice: { ...price, description: 'Required for limit, stop and stop_limit (the stop price); a hint for market.' },
          stopLimitPrice: { ...price, description: 'stop_limit only (required): the limit price placed once entryPrice is reached; at or below entryPrice for a buy, at or above for a sell.' },
          referencePrice: { ...price, description: 'The market price you saw; anchors SL/TP of market orders and checks pending entries.' },
          stopLoss: price,
          takeProfits: takeProfits,
          maxSlippagePoints: slippage,
          volumeHint: { type: 'number', exclusiveMinimum: 0, maximum: SIGNAL_LIMITS.maxVolumeHintLots, description: `Lots; at most ${SIGNAL_LIMITS.maxVolumeDecimals} decimals.` },
          riskPercentHint: { type: 'number', exclusiveMinimum: 0, maximum: SIGNAL_LIMITS.maxRiskPercent, description: `Percent; at most ${SIGNAL_LIMITS.maxRiskDecimals} decimals.` },
        },
      },
      ModifySignal: {
        type: 'object',
        additionalProperties: false,
        required: ['action', 'externalId'],
        description: 'Needs one of refSignalId/refExternalId and at least one of stopLoss, takeProfits, breakEven: true, trailingDistance. stopLoss and breakEven exclude each other.',
        properties: { action: { const: 'modify' }, ...common, ...refFields, stopLoss: price, takeProfits, breakEven: { type: 'boolean' }, trailingDistance: { ...price, description: 'Trailing distance in price units (0.0020 = 20 pips on EURUSD).' } },
      },
      CloseSignal: {
        type: 'object',
        additionalProperties: false,
        required: ['action', 'externalId'],
        properties: { action: { const: 'close' }, ...common, ...refFields, fraction: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 1, description: 'Share of each position to close; 1 closes fully.' }, maxSlippagePoints: slippage },
      },
      CancelSignal: {
        type: 'object',
        additionalProperties: false,
        required: ['action', 'externalId'],
        description: 'Cancels the pending orders of a pending open signal.',
        properties: { action: { const: 'cancel' }, ...common, ...refFields },
      },
      TradingViewAlert: {
        type: 'object',
        description:
          'A TradingView JSON alert. Keys are case-insensitive aliases: action (buy, sell, long, short, "buy limit", close, modify, cancel), ticker/symbol ' +
          '(an EXCHANGE: prefix is dropped), type/order_type, side/direction, price/entry, stoplimit, close/last (reference price), sl/stop_loss, ' +
          'tp (number, "a,b" or array), tp1..tp8, qty/volume/lots/contracts, risk, slippage, ttl, expiry, comment/message, id/external_id, ref, ' +
          'time/timenow/timestamp (ISO or epoch s/ms), fraction, percent, be/breakeven, trail/trailing, passphrase (the webhook secret). Numbers may be strings.',
        additionalProperties: true,
      },
      Accepted: {
        type: 'object',
        required: ['signalId', 'status', 'duplicate'],
        properties: { signalId: { type: 'string', format: 'uuid' }, status: { enum: ['accepted', 'published'] }, duplicate: { type: 'boolean' }, acceptedAt: { type: 'string', format: 'date-time', description: 'Arrival time, microsecond precision.' } },
      },
      StoredSignal: {
        type: 'object',
        properties: {
          signalId: { type: 'string', format: 'uuid' },
          sourceId: { type: 'string', format: 'uuid' },
          externalId: { type: ['string', 'null'] },
          channel: { enum: ['api', 'tradingview'] },
          status: { enum: ['accepted', 'published'], description: 'published once the broker acknowledged signal.generated.' },
          refSignalId: { type: ['string', 'null'], format: 'uuid' },
          acceptedAt: { type: 'string', format: 'date-time', description: 'Request arrival, microseconds: the zero of every platform latency.' },
          storedAt: { type: 'string', format: 'date-time' },
          publishedAt: { type: ['string', 'null'], format: 'date-time' },
          signal: { type: 'object', description: 'The validated signal (normalised: upper-case symbol, UTC instants, defaults filled).' },
        },
      },
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'detail'],
        properties: {
          type: { enum: Object.keys(PROBLEM_TYPES).map((t) => problemTypeUri(t as keyof typeof PROBLEM_TYPES)) },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          errors: { type: 'array', items: ref('FieldError') },
        },
      },
      FieldError: {
        type: 'object',
        required: ['field', 'code', 'message'],
        properties: { field: { type: 'string', description: 'Dotted path, e.g. takeProfits[1], or body.' }, code: { enum: [...FIELD_ERROR_CODES] }, message: { type: 'string' } },
      },
      NewSource: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { name: { type: 'string', maxLength: 100 }, allowedSymbols: { type: 'array', items: { type: 'string' }, default: ['*'] }, rateLimitPerMinute: { type: 'integer', minimum: 1, default: 600 } },
      },
      Source: {
        type: 'object',
        properties: { sourceId: { type: 'string', format: 'uuid' }, name: { type: 'string' }, allowedSymbols: { type: 'array', items: { type: 'string' } }, rateLimitPerMinute: { type: 'integer' }, enabled: { type: 'boolean' } },
      },
      CreatedSource: {
        type: 'object',
        properties: {
          sourceId: { type: 'string', format: 'uuid' },
          name: { type: 'string' },
          apiKey: { type: 'string', description: 'Shown once; stored only as a salted hash.' },
          webhookSecret: { type: 'string', description: 'Shown once; stored only as a salted hash.' },
          allowedSymbols: { type: 'array', items: { type: 'string' } },
          rateLimitPerMinute: { type: 'integer' },
        },
      },
    },
  },
} as const;
