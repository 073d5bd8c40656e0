/**
 * The local runtime's answer to a browser asking for a page that does not exist (`/nope`): a
 * small page in the site's style with the way back, instead of the API's JSON 404. Clients
 * that ask for JSON keep getting the API's answer.
 */
export const NOT_FOUND_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Page not found · Stampede</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/styles.css">
</head>
<body>
  <header class="topbar">
    <a class="brand" href="/">Stampede</a>
    <nav>
      <a href="/live/">Live room</a>
      <a href="/booking/">Bus booking</a>
    </nav>
  </header>
  <main>
    <h1>Page not found</h1>
    <p class="lead">There is no page at this address.</p>
    <p><a class="button primary" href="/">Go to the start page</a></p>
  </main>
</body>
</html>
`;

/** True when the request is a browser navigation (or anything else that prefers HTML). */
export const wantsHtml = (accept: string | undefined): boolean =>
  accept !== undefined && /(^|,)\s*text\/html/i.test(accept);
