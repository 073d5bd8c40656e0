// Where the pages find the API. The local runtime (`npm start`) serves its own copy of this
// file; when you host the pages on S3 / CloudFront, upload this file with your endpoints:
//   apiBase   the HTTP API's invoke URL, e.g. 'https://abc123.execute-api.ap-northeast-2.amazonaws.com'
//   wsUrl     the WebSocket API's URL,   e.g. 'wss://def456.execute-api.ap-northeast-2.amazonaws.com/live'
//             (stack output WebSocketUrl; the stack's stage is named `live`)
//   statsUrl  the published stats file, e.g. 'https://d1234.cloudfront.net/stats.json'
//   tokenUrl  where the page gets a bearer token for the name the user picks (POST {userId}):
//             the local runtime's development issuer. Deployed, leave it '' (viewers watch
//             anonymously) until your sign-in flow provides tokens.
//   broadcaster  how the live room gets its feed: the stack's `-c broadcaster` (default
//             'appsync-events'). 'apigateway': frames, chat, likes and heartbeats over the
//             WebSocket API (wsUrl). 'appsync-events': frames from a subscription to the Event
//             API (eventApi below); chat, likes and heartbeats as POSTs to the HTTP API.
//   eventApi  with 'appsync-events', from the stack's outputs:
//             realtimeUrl   EventApiRealtimeUrl,  e.g. 'wss://xyz.appsync-realtime-api.ap-northeast-2.amazonaws.com/event/realtime'
//             httpEndpoint  EventApiHttpEndpoint, e.g. 'https://xyz.appsync-api.ap-northeast-2.amazonaws.com/event'
//             namespace     'live'
//             apiKey        EventApiViewerKey when anonymous viewers may watch, else ''
// Empty apiBase / wsUrl / statsUrl mean: the page's own origin, ws(s)://<page host>/ws, and
// stats.json beside this file.
window.STAMPEDE_CONFIG = {
  apiBase: '',
  wsUrl: '',
  statsUrl: '',
  tokenUrl: '',
  broadcaster: 'apigateway',
  eventApi: { realtimeUrl: '', httpEndpoint: '', namespace: 'live', apiKey: '' },
};
