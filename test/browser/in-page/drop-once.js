// Runs inside the page under test before its own scripts (an init script; plain JS because the
// test project's TypeScript has no DOM types). Wraps WebSocket so that its `message` listeners
// never see the first message containing `window.__dropOnce` (set by the test), and counts the
// drop in `window.__dropped`: the client's only way to that version is then the gap recovery.
(() => {
  window.__dropped = 0;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    addEventListener(type, listener, options) {
      if (type !== 'message' || typeof listener !== 'function') return super.addEventListener(type, listener, options);
      return super.addEventListener(
        type,
        (event) => {
          if (window.__dropOnce && typeof event.data === 'string' && event.data.includes(window.__dropOnce)) {
            window.__dropOnce = undefined;
            window.__dropped++;
            return;
          }
          listener(event);
        },
        options,
      );
    }
  };
})();
