export default {
  async fetch(request, env) {
    const url = new URL(request.url);

    if (url.pathname === "/api/hello") {
      return Response.json({
        message: env.GREETING,
        location: request.cf?.city || "Unknown",
        latency: "< 50ms worldwide",
      });
    }

    return new Response("Not found", { status: 404 });
  },
};
