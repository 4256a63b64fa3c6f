// The response a client gets when a worker fails. Limits use Cloudflare's wording; uncaught
// exceptions show the source-mapped stack in development and a bare error page otherwise.

const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function errorResponse(error, { dev }) {
  const status = error.status ?? 500;
  const title = status === 503 ? error.message : 'Worker threw exception';
  const detail = dev && error.workerStack ? `<pre>${escapeHtml(error.workerStack)}</pre>` : '';
  const body = `<!DOCTYPE html>\n<html><head><title>Error ${status}</title></head><body><h1>Error ${status}</h1><p>${escapeHtml(title)}</p>${detail}</body></html>\n`;
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) },
    body,
  };
}
