// The page's service worker. Once the page has loaded, it sends the list of the export's files and
// the worker stores them in the Cache API; when the server is gone, requests are answered from
// there, so a page loaded once works offline. Network first otherwise, so a re-exported folder is
// never shadowed by stale copies while the server is up.
declare const self: ServiceWorkerGlobalScope;
export {};

const CACHE = 'voxelwise-web-v1';

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('message', (event) => {
  const data = event.data as { type?: string; urls?: string[] };
  if (data.type !== 'precache' || !Array.isArray(data.urls)) return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      let ok = true;
      try {
        await cache.addAll(data.urls!);
      } catch {
        ok = false;
      }
      (event.source as Client | null)?.postMessage({ type: 'precached', ok, files: data.urls!.length });
    })(),
  );
});
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      try {
        return await fetch(request);
      } catch (error) {
        const cached = await (await caches.open(CACHE)).match(request, { ignoreSearch: true });
        if (cached) return cached;
        throw error;
      }
    })(),
  );
});
