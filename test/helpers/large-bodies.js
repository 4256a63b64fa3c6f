// Streaming large bodies through a server, and measuring what that costs its memory.
import http from 'node:http';

export const MiB = 1024 * 1024;

// Samples RSS while `work` runs; returns the peak growth over the starting RSS, in MiB.
export async function peakRssGrowth(work) {
  const start = process.memoryUsage.rss();
  let peak = start;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return (Math.max(peak, process.memoryUsage.rss()) - start) / MiB;
}

// Sends `total` bytes of `fill` to `url` (a PUT, or `method`), 64 KiB at a time as the request
// drains; resolves with the answer, { status, text }.
export function streamUpload(url, total, { method = 'PUT', fill = 7 } = {}) {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, fill);
    const req = http.request(url, { method, headers: { 'content-length': total } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        const piece = Math.min(chunk.length, total - sent);
        sent += piece;
        if (!req.write(piece === chunk.length ? chunk : chunk.subarray(0, piece))) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
