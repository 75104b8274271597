/**
 * Interactive API reference: Swagger UI (swagger-ui-dist, served from node_modules — no CDN, the
 * machines are offline) over /api/v1/openapi.json.
 */
export const dynamic = "force-static";

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>Switchboard API reference</title>
<link rel="stylesheet" href="/api-docs/assets/swagger-ui.css" />
</head>
<body>
<main id="swagger-ui"></main>
<script src="/api-docs/assets/swagger-ui-bundle.js"></script>
<script src="/api-docs/assets/init.js"></script>
</body>
</html>`;

export function GET() {
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}
