interface PassthroughEnv {
  readonly ORIGIN_URL: string;
}

export default {
  async fetch(request: Request, env: PassthroughEnv): Promise<Response> {
    const url = new URL(request.url);
    const upstream = new Request(`${env.ORIGIN_URL}${url.pathname}${url.search}`, request);
    const response = await fetch(upstream);
    return new Response(response.body, response);
  },
};
